using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;

namespace FaceNetML.Tests.Notebooks;

/// <summary>The kernel's events of one cell as the outputs a Jupyter notebook saves: stdout and stderr text, displayed
/// values, the cell's return value and its error.</summary>
internal static class NotebookOutputs
{
    /// <summary>Values larger than this (such as a big HTML table or image) are saved as their plain text only.</summary>
    private const int LargestValue = 64 * 1024;

    public static void Replace(InteractiveDocumentElement cell, IEnumerable<KernelEvent> events, int executionOrder)
    {
        cell.Outputs.Clear();
        cell.ExecutionOrder = executionOrder;
        foreach (var e in events)
        {
            switch (e)
            {
                case StandardOutputValueProduced o: cell.Outputs.Add(new TextElement(Plain(o), "stdout")); break;
                case StandardErrorValueProduced o: cell.Outputs.Add(new TextElement(Plain(o), "stderr")); break;
                case ReturnValueProduced r:
                    var value = new ReturnValueElement { ExecutionOrder = executionOrder };
                    foreach (var (mime, text) in Data(r)) value.Data[mime] = text;
                    cell.Outputs.Add(value);
                    break;
                case DisplayEvent d: cell.Outputs.Add(new DisplayElement(Data(d))); break;
                case CommandFailed f: cell.Outputs.Add(new ErrorElement("Error", f.Message)); break;
            }
        }
    }

    private static string Plain(DisplayEvent e) =>
        e.FormattedValues.FirstOrDefault(v => v.MimeType == "text/plain")?.Value ?? e.FormattedValues.FirstOrDefault()?.Value ?? "";

    private static Dictionary<string, object> Data(DisplayEvent e)
    {
        var data = e.FormattedValues.Where(v => v.Value.Length <= LargestValue).ToDictionary(v => v.MimeType, v => (object)v.Value);
        if (data.Count == 0) data["text/plain"] = Plain(e).Length <= LargestValue ? Plain(e) : Plain(e)[..LargestValue] + " ...";
        return data;
    }
}
