using System.CommandLine;

namespace FaceNetML.Cli;

/// <summary>"did you mean 'identify'?" for a mistyped command: the subcommand within two edits of the first word the
/// parser did not recognise.</summary>
internal static class CommandSuggestion
{
    /// <summary>The one-line parse error: "unknown command 'idnetify'; did you mean 'identify'?" when a command was
    /// expected and a word was not one, else the parser's first error.</summary>
    public static string Message(ParseResult parse)
    {
        var scope = parse.CommandResult.Command;
        var unknown = parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-'));
        if (unknown is null || scope.Subcommands.Count == 0) return parse.Errors[0].Message;
        var best = scope.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name))
            .Select(n => (Name: n, Distance: Distance(unknown.ToLowerInvariant(), n))).OrderBy(x => x.Distance).First();
        return $"unknown command '{unknown}'" + (best.Distance <= 2 ? $"; did you mean '{best.Name}'?" : "");
    }

    /// <summary>Levenshtein distance (insert, delete, substitute, each one edit).</summary>
    internal static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
