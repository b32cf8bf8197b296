using System.CommandLine;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Cli.Commands.Bert;
using LlmForge.Cli.Hosting;
using LlmForge.Cli.Parsing;
using LlmForge.EncoderDecoder;
using LlmForge.Inference;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge forward</c>: logits of a batch of token ids, written as float32 .npy [batch, seq, vocab]
/// (the file <c>numpy.load</c> reads), to compare against PyTorch / Hugging Face.
/// </summary>
public sealed class ForwardCommand : ICommand
{
    public string Name => "forward";

    public string Summary => "logits of input.json's input_ids as a float32 .npy [batch, seq, vocab] (GPT-2, BERT's MLM head, or a MarianMT decoder's)";

    public string Synopsis => "usage: llmforge forward --model DIR --input input.json --out logits.npy [--backend managed|mkl]";

    public string Notes => "Prints one line: the output file and its shape.";

    private static readonly Option<string?> Model = Flag.Text("--model", "DIR", "config.json + model.safetensors (Hugging Face GPT-2, Llama/Qwen2/Mistral, BERT or MarianMT layout)");
    private static readonly Option<string?> Input = Flag.Text("--input", "FILE",
        "{\"input_ids\": [[15496, 11], [314, 716]]}: rows of equal length ≤ n_positions; optional \"attention_mask\" of the same " +
        "shape (1 = token, 0 = padding: padding keys are hidden, positions stay 0..T-1, as Hugging Face does); for BERT also " +
        "\"token_type_ids\"; BERT's logits are the MLM head's; an encoder-decoder (MarianMT) also needs \"decoder_input_ids\" " +
        "[batch, T_dec] and writes the decoder's logits [batch, T_dec, vocab], attention_mask being the source's padding");
    private static readonly Option<string?> Out = Flag.Text("--out", "FILE",
        "float32 .npy of shape [batch, seq, vocab], written atomically, a chunk of rows at a time (memory stays that of one " +
        "chunk however many rows there are)");

    public IReadOnlyList<Option> Options { get; } = [Model, Input, Out, BackendFlags.Backend];

    public int Run(ParseResult parsed, TextWriter stdout, TextWriter stderr)
    {
        string? model = parsed.GetValue(Model), input = parsed.GetValue(Input), output = parsed.GetValue(Out);
        string? backendName = parsed.GetValue(BackendFlags.Backend); // null: LlmForge:Backend of the environment or appsettings.json
        string directory = ModelDirectory.Require(Name, "model", model);
        if (input is null) throw new CliException($"{Name}: --input is required");
        if (output is null) throw new CliException($"{Name}: --out is required");

        string? outDirectory = Path.GetDirectoryName(Path.GetFullPath(output));
        if (outDirectory is not null && !Directory.Exists(outDirectory))
            throw new CliException($"{Name}: --out '{output}': directory '{outDirectory}' does not exist");

        int[] shape = MarianCheckpoint.IsMarianDirectory(directory) ? Seq2SeqLogits(directory, input, backendName, output)
            : BertDirectory.IsBert(directory) ? BertLogits(directory, input, backendName, output)
            : GptLogits(directory, input, backendName, output);
        stdout.WriteLine($"{output}: float32 [{string.Join(", ", shape)}]");
        return 0;
    }

    /// <summary>
    /// A GPT directory: input_ids with the optional attention_mask (0 or 1) → logits [batch, seq, vocab], written to
    /// <paramref name="output"/> a chunk of rows at a time.
    /// </summary>
    private static int[] GptLogits(string directory, string input, string? backendName, string output)
    {
        var config = ModelDirectory.LoadConfig(directory);
        var json = InputJson.Read(input);
        var (ids, batch, seq) = json.InputIds(config.VocabSize, config.ContextLength, "context length (n_positions)");
        var mask = json.AttentionMask(batch, seq);
        foreach (string unused in new[] { "token_type_ids", "position_ids" })
            if (json.Has(unused))
                throw new InvalidDataException($"{input}: \"{unused}\" is not read for a GPT model (only input_ids and attention_mask are); remove it.");
        var gpt = Gpt2Checkpoint.Load(directory, BackendFactory.FromConfiguration(backendName));
        gpt.Eval();
        int[] shape = [batch, seq, config.VocabSize];
        using var npy = NpyWriter<float>.Create(output, shape);
        ChunkedLogits.Gpt(gpt, ids, batch, seq, mask, npy.Write);
        npy.Commit();
        return shape;
    }

    /// <summary>
    /// Reads <c>{"input_ids": [[…], …]}</c> into row-major ids [batch · seq]. Every error names the file and the
    /// row (and item) at fault.
    /// </summary>
    public static (int[] Ids, int Batch, int Seq) ReadInputIds(string path, GptConfig config) =>
        InputJson.Read(path).InputIds(config.VocabSize, config.ContextLength, "context length (n_positions)");

    /// <summary>
    /// A BERT directory: input_ids with the optional attention_mask (0 or 1, default all 1) and token_type_ids
    /// (default all 0) → MLM logits [batch, seq, vocab], written a chunk of rows at a time.
    /// </summary>
    private static int[] BertLogits(string directory, string input, string? backendName, string output)
    {
        var model = BertCheckpoint.Load(directory, BackendFactory.FromConfiguration(backendName));
        if (model.MlmHead is null)
            throw new CliException($"forward: '{directory}' holds a {model.Heads.Architecture} without the masked-LM head (cls.predictions.*)");
        var c = model.Config;
        var json = InputJson.Read(input);
        var (ids, batch, seq) = json.InputIds(c.VocabSize, c.MaxPositions, "max_position_embeddings");
        var mask = json.AttentionMask(batch, seq);
        var types = json.SameShape("token_type_ids", batch, seq,
            v => (uint)v < (uint)c.TypeVocabSize ? null : $"is outside the model's token types [0, {c.TypeVocabSize}) (type_vocab_size)");
        model.Eval();
        int[] shape = [batch, seq, c.VocabSize];
        using var npy = NpyWriter<float>.Create(output, shape);
        ChunkedLogits.BertMaskedLM(model, new BertInput(ids, batch, seq, types, mask), npy.Write);
        npy.Commit();
        return shape;
    }

    /// <summary>
    /// An encoder-decoder directory (MarianMT): input_ids and the optional attention_mask of the source, and
    /// decoder_input_ids → the decoder's logits [batch, T_dec, vocab], written a chunk of rows at a time.
    /// </summary>
    private static int[] Seq2SeqLogits(string directory, string input, string? backendName, string output)
    {
        var model = MarianCheckpoint.Load(directory, BackendFactory.FromConfiguration(backendName));
        var c = model.Config;
        var json = InputJson.Read(input);
        var (ids, batch, seq) = json.InputIds(c.VocabSize, c.MaxPositions, "max_position_embeddings");
        var mask = json.AttentionMask(batch, seq);
        var (decoderIds, targetLength) = json.DecoderInputIds(batch, c.VocabSize, c.MaxPositions);
        foreach (string unused in new[] { "token_type_ids", "position_ids", "decoder_attention_mask" })
            if (json.Has(unused))
                throw new InvalidDataException(
                    $"{input}: \"{unused}\" is not read for an encoder-decoder model (input_ids, attention_mask and decoder_input_ids are); remove it.");
        model.Eval();
        int[] shape = [batch, targetLength, c.VocabSize];
        using var npy = NpyWriter<float>.Create(output, shape);
        ChunkedLogits.Seq2Seq(model, new Seq2SeqInput(ids, batch, seq, decoderIds, targetLength, mask), npy.Write);
        npy.Commit();
        return shape;
    }
}
