using System.CommandLine;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;
using LlmForge.Cli.Parsing;
using LlmForge.EncoderDecoder;
using LlmForge.Tokenization;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge translate</c>: translates each line of <c>--text</c> or <c>--file</c> with an encoder-decoder directory
/// (a MarianMT / opus-mt one, or one trained here with a learned BPE), one output line per input line, in order,
/// printed as each batch completes. The work is <see cref="Translator"/>'s.
/// </summary>
public sealed class TranslateCommand : ICommand
{
    public string Name => "translate";

    public string Summary => "translate text line by line with an encoder-decoder (MarianMT / opus-mt, or trained here) directory";

    public string Synopsis => "usage: llmforge translate --model DIR (--text TEXT | --file FILE) [--beam N] [--max-new-tokens N] [flags]";

    public string Notes => """
        Prints one line per input line, in order (an empty or blank line gives an empty line). Beam search follows
        transformers' generate(num_beams=N) for opus-mt (pad never generated, length penalty, early stopping); --beam 1 is
        greedy. A source longer than max_position_embeddings tokens is cut, keeping its </s>.
        """;

    private static readonly Option<string?> Model = Flag.Text("--model", "DIR",
        "config.json (model_type marian) + model.safetensors + the tokenizer: source.spm + target.spm + vocab.json (opus-mt), or vocab.json + merges.txt (a BPE learned by train --pairs)");
    private static readonly Option<string?> Text = Flag.Text("--text", "TEXT", "the text to translate; each of its lines is one source");
    private static readonly Option<string?> FileFlag = Flag.Text("--file", "FILE", "a UTF-8 text file: each line is one source");
    private static readonly Option<int?> Beam = Flag.Int("--beam", "N", "beams per source (default 4, as opus-mt's generate); 1 = greedy", min: 1, max: 64);
    private static readonly Option<int?> MaxNewTokens = Flag.Int("--max-new-tokens", "N",
        $"at most N tokens per translation (default {TranslationOptions.DefaultMaxNewTokens}, at most max_position_embeddings − 1)", min: 1);
    private static readonly Option<float?> LengthPenalty = Flag.Float("--length-penalty", "P",
        "a finished beam scores sum of log-probabilities / length^P (default 1; > 0 favours longer translations, < 0 shorter)");
    private static readonly Option<string?> EarlyStopping = Flag.Choice("--early-stopping", "WHEN",
        "false (default: stop when no running beam is likely to do better), true (as soon as N translations have ended), never (only when none can do better)",
        "false", "true", "never");
    private static readonly Option<int?> BatchSize = Flag.Int("--batch-size", "N", "sources translated together (default 8)", min: 1, max: 4096);
    private static readonly Option<bool> NoKvCache = Flag.Switch("--no-kv-cache",
        "rerun the decoder over the whole prefix at every step instead of using the KV cache (the same translations, slower; for checking and timing)");

    public IReadOnlyList<Option> Options { get; } =
        [Model, Text, FileFlag, Beam, MaxNewTokens, LengthPenalty, EarlyStopping, BatchSize, BackendFlags.Backend, NoKvCache];

    public int Run(ParseResult parsed, TextWriter stdout, TextWriter stderr)
    {
        string? model = parsed.GetValue(Model), text = parsed.GetValue(Text), file = parsed.GetValue(FileFlag);
        string? backendName = parsed.GetValue(BackendFlags.Backend); // null: LlmForge:Backend of the environment or appsettings.json
        var options = new TranslationOptions
        {
            NumBeams = parsed.GetValue(Beam) ?? 4,
            MaxNewTokens = parsed.GetValue(MaxNewTokens),
            LengthPenalty = parsed.GetValue(LengthPenalty) ?? 1f,
            EarlyStopping = (parsed.GetValue(EarlyStopping) ?? "false") switch
            {
                "true" => BeamEarlyStopping.OnceFull,
                "never" => BeamEarlyStopping.Never,
                _ => BeamEarlyStopping.Heuristic,
            },
            BatchSize = parsed.GetValue(BatchSize) ?? 8,
            UseCache = !parsed.GetValue(NoKvCache),
        };
        string directory = ModelDirectory.Require(Name, "model", model);
        if ((text is null) == (file is null))
            throw new CliException($"{Name}: give exactly one of --text TEXT or --file FILE");
        if (file is not null && !File.Exists(file))
            throw new FileNotFoundException($"{file}: no such text file.", file);
        if (!MarianCheckpoint.IsMarianDirectory(directory))
            throw new InvalidDataException(
                $"'{directory}' is not an encoder-decoder directory: translate needs a config.json with model_type \"marian\" (MarianMT, opus-mt) and its weights");

        var tokenizer = TranslationTokenizerFiles.Load(directory);
        var translator = new Translator(MarianCheckpoint.Load(directory, BackendFactory.FromConfiguration(backendName)), tokenizer);
        int limit = translator.Model.Config.MaxPositions - 1;
        if (options.MaxNewTokens > limit)
            throw new CliException($"{Name}: --max-new-tokens {options.MaxNewTokens} exceeds max_position_embeddings − 1 = {limit} of '{directory}'");

        IEnumerable<string> lines = text is not null ? text.ReplaceLineEndings("\n").Split('\n') : File.ReadLines(file!);
        foreach (string translation in translator.Translate(lines, options))
        {
            stdout.WriteLine(translation.ReplaceLineEndings(" ")); // one line per source, whatever the target's tokens decode to
            stdout.Flush();
        }
        return 0;
    }
}
