using System.CommandLine;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;
using LlmForge.Cli.Parsing;
using LlmForge.Generation;
using LlmForge.Layers;
using LlmForge.Tokenization;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge generate</c>: loads a Hugging Face-layout GPT-2 directory and continues a prompt.
/// Text mode prints the prompt, then each new piece of text as soon as its characters are complete, then a
/// newline; the end-of-text token ends generation and is not printed. <c>--output-ids</c> prints only the
/// NEW token ids (the stop token included when the model produced it) as one compact JSON array line.
/// </summary>
public sealed class GenerateCommand : ICommand
{
    public string Name => "generate";

    public string Summary => "continue a prompt with a GPT-2 model directory (streams text, or --output-ids)";

    public string Synopsis => "usage: llmforge generate --model DIR (--prompt TEXT | --prompt-ids 1,2,3) [flags]";

    public string Notes => "";

    private static readonly Option<string?> Model = Flag.Text("--model", "DIR",
        "config.json + model.safetensors (+ tokenizer files: vocab.json + merges.txt, encoder.json + vocab.bpe, or llmforge_char_tokenizer.json)");
    private static readonly Option<string?> Prompt = Flag.Text("--prompt", "TEXT", "encoded with the directory's tokenizer (\"\" starts from <|endoftext|>)");
    private static readonly Option<string?> PromptIds = Flag.Text("--prompt-ids", "1,2,3", "token ids; needs no tokenizer with --output-ids");
    private static readonly Option<int?> MaxNewTokens = Flag.Int("--max-new-tokens", "N", "at most N new tokens (default 50); an end token stops earlier (<|endoftext|>, the eos ids of generation_config.json, config.json, tokenizer_config.json, the chat template's end-of-turn)", min: 0);
    private static readonly Option<float?> Temperature = Flag.Float("--temperature", "T", "≥ 0: 0 = greedy (argmax), default 1.0", min: 0);
    private static readonly Option<int?> TopK = Flag.Int("--top-k", "K", "≥ 0: sample among the K most likely tokens (0 = all, the default)", min: 0);
    private static readonly Option<float?> TopP = Flag.Float("--top-p", "P", "in (0, 1]: nucleus sampling (default 1 = off)", min: 0, max: 1, minExclusive: true);
    private static readonly Option<ulong?> Seed = Flag.ULong("--seed", "S", "sampling seed (default 1337): the same seed gives the same text");
    private static readonly Option<string?> Weights = Flag.Choice("--weights", "FORMAT",
        "float32 (default), bf16: the linear layers multiply by bfloat16 copies of their weights (half the bytes read per " +
        "token; logits within bfloat16 rounding), or int8: by 8-bit copies in blocks of 32 with a scale each, as llama.cpp's " +
        "q8_0 (28 % of the bytes)", "float32", "bf16", "int8");
    private static readonly Option<bool> OutputIds = Flag.Switch("--output-ids", "print only the new token ids as one JSON array line, e.g. [318,257,1332]");
    private static readonly Option<bool> NoKvCache = Flag.Switch("--no-kv-cache",
        "recompute the whole context for every token instead of decoding with a KV cache (the same tokens, slower; for checking and timing)");
    private static readonly Option<int?> Sinks = Flag.Int("--sinks", "S",
        "attention sinks (rotary models): keep the first S tokens plus the last --window W and decode without end at constant " +
        "memory (StreamingLLM); 0 = a plain rolling window. Default: LlmForge:KvCache (dense)", min: 0);
    private static readonly Option<int?> Window = Flag.Int("--window", "W",
        "the most recent tokens the KV cache keeps (with --sinks, or alone: a rolling window); default: the context length minus the sinks", min: 1);
    private static readonly Option<bool> Verify = Flag.Switch("--verify",
        "first check every file against the size and SHA-256 that trainer_state.json records (a training checkpoint; an error if the directory has none)");

    public IReadOnlyList<Option> Options { get; } =
        [Model, Prompt, PromptIds, MaxNewTokens, Temperature, TopK, TopP, Seed, BackendFlags.Backend, Weights, OutputIds, NoKvCache, Sinks, Window, Verify];

    public int Run(ParseResult parsed, TextWriter stdout, TextWriter stderr)
    {
        string? model = parsed.GetValue(Model);
        string? prompt = parsed.GetValue(Prompt);
        string? promptIds = parsed.GetValue(PromptIds);
        int maxNewTokens = parsed.GetValue(MaxNewTokens) ?? 50;
        var sampling = new SamplingOptions
        {
            Temperature = parsed.GetValue(Temperature) ?? 1f,
            TopK = parsed.GetValue(TopK) ?? 0,
            TopP = parsed.GetValue(TopP) ?? 1f, // the range the help states
            Seed = parsed.GetValue(Seed) ?? new SamplingOptions().Seed,
        };
        bool outputIds = parsed.GetValue(OutputIds);
        bool useKvCache = !parsed.GetValue(NoKvCache);
        bool verify = parsed.GetValue(Verify);
        string? backendName = parsed.GetValue(BackendFlags.Backend); // null: LlmForge:Backend of the environment or appsettings.json
        var weights = WeightFormats.Parse(parsed.GetValue(Weights));
        string directory = ModelDirectory.Require(Name, "model", model);
        if ((prompt is null) == (promptIds is null))
            throw new CliException($"{Name}: give exactly one of --prompt TEXT or --prompt-ids 1,2,3");
        if (verify) TrainingCheckpoint.Verify(directory); // one error naming the first file that differs from its record

        ITokenizer? tokenizer = ModelDirectory.LoadTokenizer(directory);
        if (tokenizer is null && (prompt is not null || !outputIds))
            throw new CliException(
                $"{Name}: '{directory}' has no tokenizer (vocab.json + merges.txt, encoder.json + vocab.bpe or llmforge_char_tokenizer.json): " +
                (prompt is not null ? "give --prompt-ids instead of --prompt" : "add --output-ids to print token ids instead of text"));
        var config = ModelDirectory.LoadConfig(directory);
        CheckVocabularies(tokenizer, config, directory, decodesText: !outputIds);

        IReadOnlyList<int> ids = promptIds is not null
            ? TokenIds.ParseList(Name, "prompt-ids", promptIds)
            : tokenizer!.Encode(prompt!);
        if (ids.Count == 0)
            ids = tokenizer?.EndOfTextId is int eot
                ? [eot]
                : throw new CliException($"{Name}: the prompt is empty and the tokenizer has no <|endoftext|> to start from");
        TokenIds.CheckRange($"{Name}: {(promptIds is not null ? "--prompt-ids" : "--prompt")}", ids, config.VocabSize);

        var policy = KvCacheSettings.FromConfiguration(kind: null, parsed.GetValue(Sinks), parsed.GetValue(Window));
        if (!useKvCache && policy.IsStreaming)
            throw new CliException($"{Name}: --no-kv-cache recomputes the context for every token; a {policy.KindName} KV cache (--sinks/--window, LlmForge:KvCache) needs the cache");
        var gpt = Gpt2Checkpoint.Load(directory, BackendFactory.FromConfiguration(backendName));
        gpt.UseWeights(weights);
        // Every end token the directory names (generation_config.json, config.json, tokenizer_config.json, the chat
        // template's end-of-turn) ends generation, not only the tokenizer's end-of-text.
        var stops = StopTokens.FromModelDirectory(directory, tokenizer);
        var generator = new TextGenerator(gpt.AsLanguageModel(policy), sampling, tokenizer?.EndOfTextId) { UseKvCache = useKvCache, StopTokens = stops };
        // Ctrl-C stops before the next token: what was generated is printed as without it, and the exit code is 130.
        using var interrupt = new InterruptSignals(stderr, "stopping before the next token", "(the text printed so far stays)");
        int code;

        if (outputIds)
        {
            var generated = new List<int>(maxNewTokens);
            code = Interruptible(() => generated.AddRange(generator.Generate(ids, maxNewTokens, interrupt.Token)), interrupt.Token);
            stdout.WriteLine(TokenIds.ToJson(generated));
            return code;
        }

        var text = new TokenStreamDecoder(tokenizer!);
        void Print(int id, bool generated)
        {
            if (id == tokenizer!.EndOfTextId || (generated && stops.Contains(id))) return; // the stop token is not printed
            string piece = text.Append(id);
            if (piece.Length == 0) return; // a multi-byte character is still incomplete
            stdout.Write(piece);
            stdout.Flush();
        }
        foreach (int id in ids) Print(id, generated: false);
        code = Interruptible(() => { foreach (int id in generator.Generate(ids, maxNewTokens, interrupt.Token)) Print(id, generated: true); }, interrupt.Token);
        stdout.WriteLine(text.Flush());
        return code;
    }

    /// <summary>Runs <paramref name="generate"/>; 0 when it ends, <see cref="InterruptSignals.ExitCode"/> when a signal cancelled it.</summary>
    private static int Interruptible(Action generate, CancellationToken interrupted)
    {
        try { generate(); return 0; }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested) { return InterruptSignals.ExitCode; }
    }

    /// <summary>
    /// Checked before the first token, both ways: a tokenizer with more ids than the model encodes prompts the model
    /// cannot read; a model with more ids than the tokenizer samples ids that cannot be printed (mid-stream, after
    /// the work). Printing ids (--output-ids) needs no decoding, so only the first applies there.
    /// </summary>
    private void CheckVocabularies(ITokenizer? tokenizer, GptConfig config, string directory, bool decodesText)
    {
        if (tokenizer is null || tokenizer.VocabSize == config.VocabSize) return;
        if (tokenizer.VocabSize < config.VocabSize && !decodesText) return;
        string sizes = $"the tokenizer in '{directory}' ({string.Join(" + ", ModelDirectory.TokenizerFilesIn(directory))}) has {tokenizer.VocabSize} ids " +
                       $"but {ModelDirectory.ConfigPath(directory)} has vocab_size {config.VocabSize}";
        throw new CliException(tokenizer.VocabSize > config.VocabSize
            ? $"{Name}: {sizes}"
            : $"{Name}: {sizes}: the model can sample ids the tokenizer cannot decode; add --output-ids to print ids instead of text");
    }
}
