using System.Text.Json;
using LlmForge.Diagnostics;

namespace LlmForge.Cli.Hosting;

/// <summary>
/// The batch file of <c>llmforge forward</c>: <c>{"input_ids": [[…], …], "attention_mask": [[…], …], "token_type_ids": [[…], …]}</c>,
/// rows of integers of one length. Every error names the file, the key and the row (and item) at fault.
/// </summary>
public sealed class InputJson
{
    private const string Expected = "expected {\"input_ids\": [[id, …], …]} (rows of equal length)";
    private readonly JsonElement _root;

    private InputJson(string path, JsonElement root)
    {
        Path = path;
        _root = root;
    }

    public string Path { get; }

    public static InputJson Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such input file.", path);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}: no \"input_ids\" key; {Expected}.");
            return new InputJson(path, document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
    }

    public bool Has(string key) => _root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>
    /// input_ids as row-major [batch · seq], each id in [0, <paramref name="vocabSize"/>) and rows at most
    /// <paramref name="maxLength"/> long (<paramref name="lengthName"/> names that limit in the error).
    /// </summary>
    public (int[] Ids, int Batch, int Seq) InputIds(int vocabSize, int maxLength, string lengthName)
    {
        var (ids, batch, seq) = Rows("input_ids", "ids", "token id", id =>
            (uint)id < (uint)vocabSize ? null : $"is outside the model's vocabulary [0, {vocabSize}) (vocab_size)");
        if (seq > maxLength)
            throw new InvalidDataException($"{Path}: rows have {seq} ids but the model's {lengthName} is {maxLength}.");
        return (ids, batch, seq);
    }

    /// <summary>
    /// An encoder-decoder's decoder_input_ids as row-major [batch · T_dec]: one row per input_ids row, any common
    /// length up to <paramref name="maxLength"/>, each id in [0, <paramref name="vocabSize"/>).
    /// </summary>
    public (int[] Ids, int Seq) DecoderInputIds(int batch, int vocabSize, int maxLength)
    {
        const string key = "decoder_input_ids";
        if (!Has(key))
            throw new InvalidDataException($"{Path}: no \"{key}\" key; an encoder-decoder model needs the target's first tokens " +
                "(starting with decoder_start_token_id), rows of equal length, one per input_ids row.");
        var (ids, rows, seq) = Rows(key, "ids", "token id", id =>
            (uint)id < (uint)vocabSize ? null : $"is outside the model's vocabulary [0, {vocabSize}) (vocab_size)");
        if (rows != batch)
            throw new InvalidDataException($"{Path}: \"{key}\" has {rows} rows but \"input_ids\" has {batch}; one target per source.");
        if (seq > maxLength)
            throw new InvalidDataException($"{Path}: \"{key}\" rows have {seq} ids but the model's max_position_embeddings is {maxLength}.");
        return (ids, seq);
    }

    /// <summary>
    /// An optional matrix of the input_ids' shape (attention_mask, token_type_ids); values must pass <paramref name="check"/>
    /// (null = fine, else the reason). Null when the key is absent.
    /// </summary>
    public int[]? SameShape(string key, int batch, int seq, Func<int, string?> check)
    {
        if (!Has(key)) return null;
        var (values, b, s) = Rows(key, "values", "integer", check, (batch, seq));
        if (b != batch || s != seq)
            throw new InvalidDataException($"{Path}: \"{key}\" is [{b}, {s}] but \"input_ids\" is [{batch}, {seq}]; they must match.");
        return values;
    }

    /// <summary>
    /// The optional attention_mask: input_ids' shape (an error names both shapes), values 1 (token) or 0 (padding),
    /// and a token in every row. Null when absent.
    /// </summary>
    public int[]? AttentionMask(int batch, int seq)
    {
        const string key = "attention_mask";
        var mask = SameShape(key, batch, seq, v => v is 0 or 1 ? null : "is not 0 or 1 (1 = token, 0 = padding)");
        for (int r = 0; mask is not null && r < batch; r++)
            if (!mask.AsSpan(r * seq, seq).ContainsAnyExcept(0))
                throw new InvalidDataException($"{Path}: {key}[{r}] is all 0: every row needs at least one token (a 1).");
        return mask;
    }

    private (int[] Values, int Batch, int Seq) Rows(string key, string noun, string what, Func<int, string?> check, (int Batch, int Seq)? expected = null)
    {
        if (!_root.TryGetProperty(key, out var rows))
            throw new InvalidDataException($"{Path}: no \"{key}\" key; {Expected}.");
        if (expected is var (rowsExpected, seqExpected) && (rows.ValueKind != JsonValueKind.Array || rows.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.Array)))
            throw new InvalidDataException(
                $"{Path}: \"{key}\" must be [{rowsExpected}, {seqExpected}] (a list of rows), the shape of \"input_ids\"; it is {Printable.Escape(rows.GetRawText(), 40)}.");
        if (rows.ValueKind != JsonValueKind.Array || rows.GetArrayLength() == 0)
            throw new InvalidDataException($"{Path}: \"{key}\" must be a non-empty list of rows; {Expected}.");
        int batch = rows.GetArrayLength(), seq = -1, r = 0;
        var values = new List<int>();
        foreach (var row in rows.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{Path}: {key}[{r}] is a {row.ValueKind}, not a list of {what}s; {Expected}.");
            int length = row.GetArrayLength();
            if (seq < 0) seq = length;
            if (length == 0) throw new InvalidDataException($"{Path}: {key}[{r}] is empty.");
            if (length != seq)
                throw new InvalidDataException($"{Path}: {key}[{r}] has {length} {noun} but {key}[0] has {seq}; all rows must have the same length" +
                    (expected is var (eb, es) ? $" ({key} must be [{eb}, {es}], the shape of \"input_ids\")." : "."));
            int i = 0;
            foreach (var item in row.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int v))
                    throw new InvalidDataException($"{Path}: {key}[{r}][{i}] is {Printable.Escape(item.GetRawText())}, not an integer{(what == "token id" ? " token id" : "")}.");
                if (check(v) is { } problem)
                    throw new InvalidDataException($"{Path}: {key}[{r}][{i}] = {v} {problem}.");
                values.Add(v);
                i++;
            }
            r++;
        }
        return ([.. values], batch, seq);
    }
}
