using System.Text.Json;
using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge forward</c>: logits of a batch of token ids, written as float32 .npy [batch, seq, vocab]
/// (the file <c>numpy.load</c> reads), to compare against PyTorch / Hugging Face.
/// </summary>
public sealed class ForwardCommand : ICommand
{
    public string Name => "forward";

    public string Summary => "logits of input.json's input_ids as a float32 .npy [batch, seq, vocab]";

    public const string Usage = """
        usage: llmforge forward --model DIR --input input.json --out logits.npy [--backend managed|mkl]

          --model DIR        config.json + model.safetensors (Hugging Face GPT-2 layout)
          --input FILE       {"input_ids": [[15496, 11], [314, 716]]}: rows of equal length ≤ n_positions
          --out FILE         float32 .npy of shape [batch, seq, vocab], written atomically
          --backend NAME     managed (default) or mkl

        Prints one line: the output file and its shape.

        """;

    public int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["--help"] or ["-h"]) { stdout.Write(Usage); return 0; }
        var a = CliArguments.Parse(Name, args);
        string? model = a.String("model"), input = a.String("input"), output = a.String("out");
        string backendName = a.String("backend") ?? BackendFactory.DefaultBackend;
        a.RejectUnknown();
        string directory = ModelDirectory.Require(Name, "model", model);
        if (input is null) throw new CliException($"{Name}: --input is required");
        if (output is null) throw new CliException($"{Name}: --out is required");

        string? outDirectory = Path.GetDirectoryName(Path.GetFullPath(output));
        if (outDirectory is not null && !Directory.Exists(outDirectory))
            throw new CliException($"{Name}: --out '{output}': directory '{outDirectory}' does not exist");

        var config = ModelDirectory.LoadConfig(directory);
        var (ids, batch, seq) = ReadInputIds(input, config);
        var gpt = Gpt2Checkpoint.Load(directory, BackendFactory.Create(backendName));
        gpt.Eval();
        Tensor logits;
        using (GradMode.NoGrad()) logits = gpt.Forward(ids, batch, seq); // (B, T, vocab)

        NpyFile.Write<float>(output, logits.Data.AsSpan(0, checked((int)logits.Length)), logits.Shape);
        stdout.WriteLine($"{output}: float32 [{string.Join(", ", logits.Shape)}]");
        return 0;
    }

    /// <summary>
    /// Reads <c>{"input_ids": [[…], …]}</c> into row-major ids [batch · seq]. Every error names the file and the
    /// row (and item) at fault.
    /// </summary>
    public static (int[] Ids, int Batch, int Seq) ReadInputIds(string path, GptConfig config)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such input file.", path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        using (document)
        {
            const string Expected = "expected {\"input_ids\": [[id, …], …]} (rows of equal length)";
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("input_ids", out var rows))
                throw new InvalidDataException($"{path}: no \"input_ids\" key; {Expected}.");
            if (rows.ValueKind != JsonValueKind.Array || rows.GetArrayLength() == 0)
                throw new InvalidDataException($"{path}: \"input_ids\" must be a non-empty list of rows; {Expected}.");

            int batch = rows.GetArrayLength(), seq = -1;
            var ids = new List<int>();
            int r = 0;
            foreach (var row in rows.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Array)
                    throw new InvalidDataException($"{path}: input_ids[{r}] is a {row.ValueKind}, not a list of token ids; {Expected}.");
                int length = row.GetArrayLength();
                if (seq < 0) seq = length;
                if (length == 0)
                    throw new InvalidDataException($"{path}: input_ids[{r}] is empty.");
                if (length != seq)
                    throw new InvalidDataException(
                        $"{path}: input_ids[{r}] has {length} ids but input_ids[0] has {seq}; all rows must have the same length.");
                int i = 0;
                foreach (var item in row.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int id))
                        throw new InvalidDataException($"{path}: input_ids[{r}][{i}] is {item.GetRawText()}, not an integer token id.");
                    if ((uint)id >= (uint)config.VocabSize)
                        throw new InvalidDataException(
                            $"{path}: input_ids[{r}][{i}] = {id} is outside the model's vocabulary [0, {config.VocabSize}) (vocab_size).");
                    ids.Add(id);
                    i++;
                }
                r++;
            }
            if (seq > config.ContextLength)
                throw new InvalidDataException(
                    $"{path}: rows have {seq} ids but the model's context length (n_positions) is {config.ContextLength}.");
            return ([.. ids], batch, seq);
        }
    }
}
