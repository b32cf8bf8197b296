using System.Globalization;
using System.Text;

namespace LlmForge.Cli.Hosting;

/// <summary>
/// Token ids on the command line: read as <c>1,2,3</c> (<c>--prompt-ids</c>) and written as ONE compact JSON
/// array line, <c>[15496,11,314,716]</c> (no spaces; <c>json.loads</c> and <c>JSON.parse</c> read it).
/// </summary>
public static class TokenIds
{
    public static string ToJson(IEnumerable<int> ids)
    {
        var text = new StringBuilder("[");
        foreach (int id in ids)
        {
            if (text.Length > 1) text.Append(',');
            text.Append(id.ToString(CultureInfo.InvariantCulture));
        }
        return text.Append(']').ToString();
    }

    /// <summary>Parses "1,2,3" (spaces allowed); the error names the flag and the bad item.</summary>
    public static int[] ParseList(string command, string flag, string value)
    {
        string[] items = value.Split(',', StringSplitOptions.TrimEntries);
        var ids = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (!int.TryParse(items[i], NumberStyles.None, CultureInfo.InvariantCulture, out ids[i]))
                throw new CliException(
                    $"{command}: --{flag} must be comma-separated non-negative integer ids like 1,2,3; item {i + 1} is '{items[i]}'");
        }
        return ids;
    }

    /// <summary>Throws naming the first id outside [0, <paramref name="vocabSize"/>).</summary>
    public static void CheckRange(string what, IReadOnlyList<int> ids, int vocabSize)
    {
        for (int i = 0; i < ids.Count; i++)
            if ((uint)ids[i] >= (uint)vocabSize)
                throw new CliException($"{what}: id {ids[i]} at position {i} is outside the model's vocabulary [0, {vocabSize}) (vocab_size)");
    }
}
