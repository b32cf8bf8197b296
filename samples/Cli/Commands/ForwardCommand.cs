using LlmForge.Autograd;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Cli.Commands.Bert;
using LlmForge.Cli.Hosting;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge forward</c>: logits of a batch of token ids, written as float32 .npy [batch, seq, vocab]
/// (the file <c>numpy.load</c> reads), to compare against PyTorch / Hugging Face.
/// </summary>
public sealed class ForwardCommand : ICommand
{
    public string Name => "forward";

    public string Summary => "logits of input.json's input_ids as a float32 .npy [batch, seq, vocab] (GPT-2, or BERT's MLM head)";

    public const string Usage = """
        usage: llmforge forward --model DIR --input input.json --out logits.npy [--backend managed|mkl]

          --model DIR        config.json + model.safetensors (Hugging Face GPT-2 or BERT layout)
          --input FILE       {"input_ids": [[15496, 11], [314, 716]]}: rows of equal length ≤ n_positions;
                             for BERT also "attention_mask" (1 = token, 0 = padding) and "token_type_ids",
                             both optional, of the same shape; the logits are the MLM head's
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

        Tensor logits;
        if (BertDirectory.IsBert(directory))
        {
            logits = BertLogits(directory, input, backendName);
        }
        else
        {
            var config = ModelDirectory.LoadConfig(directory);
            var (ids, batch, seq) = ReadInputIds(input, config);
            var gpt = Gpt2Checkpoint.Load(directory, BackendFactory.Create(backendName));
            gpt.Eval();
            using (GradMode.NoGrad()) logits = gpt.Forward(ids, batch, seq); // (B, T, vocab)
        }

        NpyFile.Write<float>(output, logits.Data.AsSpan(0, checked((int)logits.Length)), logits.Shape);
        stdout.WriteLine($"{output}: float32 [{string.Join(", ", logits.Shape)}]");
        return 0;
    }

    /// <summary>
    /// Reads <c>{"input_ids": [[…], …]}</c> into row-major ids [batch · seq]. Every error names the file and the
    /// row (and item) at fault.
    /// </summary>
    public static (int[] Ids, int Batch, int Seq) ReadInputIds(string path, GptConfig config) =>
        InputJson.Read(path).InputIds(config.VocabSize, config.ContextLength, "context length (n_positions)");

    /// <summary>
    /// A BERT directory: input_ids with the optional attention_mask (0 or 1, default all 1) and token_type_ids
    /// (default all 0) → MLM logits [batch, seq, vocab].
    /// </summary>
    private static Tensor BertLogits(string directory, string input, string backendName)
    {
        var model = BertCheckpoint.Load(directory, BackendFactory.Create(backendName));
        if (model.MlmHead is null)
            throw new CliException($"forward: '{directory}' holds a {model.Heads.Architecture} without the masked-LM head (cls.predictions.*)");
        var c = model.Config;
        var json = InputJson.Read(input);
        var (ids, batch, seq) = json.InputIds(c.VocabSize, c.MaxPositions, "max_position_embeddings");
        var mask = json.SameShape("attention_mask", batch, seq, v => v is 0 or 1 ? null : "is not 0 or 1");
        var types = json.SameShape("token_type_ids", batch, seq,
            v => (uint)v < (uint)c.TypeVocabSize ? null : $"is outside the model's token types [0, {c.TypeVocabSize}) (type_vocab_size)");
        model.Eval();
        using (GradMode.NoGrad()) return model.MaskedLMLogits(new BertInput(ids, batch, seq, types, mask)); // (B, T, vocab)
    }
}
