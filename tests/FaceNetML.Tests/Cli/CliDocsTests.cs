using System.CommandLine;
using System.Text.RegularExpressions;
using FaceNetML.Cli;

namespace FaceNetML.Tests.Cli;

/// <summary>docs/cli.md lists exactly the commands of the parser (<see cref="CliApp.CreateRoot"/>), one row each, and
/// names only options those commands have.</summary>
[TestClass]
public sealed partial class CliDocsTests
{
    /// <summary>A row of the commands table: <c>| `facenetml a b` | `synopsis` | what it does |</c>.</summary>
    [GeneratedRegex(@"^\|\s*`(?<command>facenetml[a-z -]*)`\s*\|(?<synopsis>[^|]*(?:\\\|[^|]*)*)\|")]
    private static partial Regex Row();

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9-]*")]
    private static partial Regex OptionName();

    private static Dictionary<string, Command> ParserCommands()
    {
        var found = new Dictionary<string, Command>(StringComparer.Ordinal);
        void Walk(Command command, string path)
        {
            foreach (var sub in command.Subcommands)
            {
                found[path + " " + sub.Name] = sub;
                Walk(sub, path + " " + sub.Name);
            }
        }
        Walk(CliApp.CreateRoot(), "facenetml");
        return found;
    }

    private static List<(string Command, string Synopsis, int Line)> DocumentedRows()
    {
        var lines = File.ReadAllLines(Path.Combine(TestData.RepoRoot, "docs", "cli.md"));
        var rows = new List<(string, string, int)>();
        for (int i = 0; i < lines.Length; i++)
            if (Row().Match(lines[i]) is { Success: true } m)
                rows.Add((m.Groups["command"].Value.Trim(), m.Groups["synopsis"].Value, i + 1));
        return rows;
    }

    [TestMethod]
    public void CliDoc_ListsEveryCommandOfTheParser_AndNoOther()
    {
        var parser = ParserCommands();
        var rows = DocumentedRows();
        Assert.IsGreaterThanOrEqualTo(20, parser.Count, "sanity: the parser's commands are found");
        var documented = rows.Select(r => r.Command).ToList();
        var twice = documented.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.IsEmpty(twice, "docs/cli.md lists these more than once: " + string.Join(", ", twice));
        var missing = parser.Keys.Except(documented).Order(StringComparer.Ordinal).ToList();
        Assert.IsEmpty(missing, "commands missing from docs/cli.md: " + string.Join(", ", missing));
        var unknown = documented.Except(parser.Keys).ToList();
        Assert.IsEmpty(unknown, "docs/cli.md lists commands that do not exist: " + string.Join(", ", unknown));
    }

    [TestMethod]
    public void CliDoc_NamesOnlyOptionsItsCommandsHave()
    {
        var root = CliApp.CreateRoot();
        var parser = ParserCommands();
        var wrong = new List<string>();
        int checkedOptions = 0;
        foreach (var (name, synopsis, line) in DocumentedRows())
        {
            if (!parser.TryGetValue(name, out var command)) continue; // the other test names it
            var known = Options(root, name).ToHashSet(StringComparer.Ordinal);
            foreach (Match option in OptionName().Matches(synopsis))
            {
                checkedOptions++;
                if (!known.Contains(option.Value)) wrong.Add($"line {line}: {name} has no option {option.Value}");
            }
        }
        Assert.IsGreaterThanOrEqualTo(30, checkedOptions, "sanity: the synopses' options are read");
        Assert.IsEmpty(wrong, string.Join("\n", wrong));
    }

    [TestMethod]
    public void CliDoc_OptionCheck_CatchesAnOptionOfAnotherCommand()
    {
        var root = CliApp.CreateRoot();
        var identify = Options(root, "facenetml identify").ToList();
        CollectionAssert.Contains(identify, "--gallery");
        CollectionAssert.Contains(identify, "--json", "options of the root reach every command");
        CollectionAssert.DoesNotContain(identify, "--pairs");
    }

    /// <summary>The names and aliases of the options <paramref name="path"/> takes: its own and the recursive ones of the commands above it.</summary>
    private static IEnumerable<string> Options(RootCommand root, string path)
    {
        Command command = root;
        var chain = new List<Command> { root };
        foreach (var part in path.Split(' ').Skip(1))
        {
            command = command.Subcommands.Single(c => c.Name == part);
            chain.Add(command);
        }
        var options = command.Options.Concat(chain.Take(chain.Count - 1).SelectMany(c => c.Options.Where(o => o.Recursive)));
        return options.SelectMany(o => o.Aliases.Prepend(o.Name));
    }
}
