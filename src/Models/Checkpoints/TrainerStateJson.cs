using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmForge.Training;

namespace LlmForge.Checkpoints;

/// <summary>
/// Reads and writes <c>trainer_state.json</c> (<see cref="TrainerState"/>), snake_case keys as Hugging Face's
/// trainer_state.json:
/// <code>
/// { "format_version": 2, "state_sha256": "…", "step": 500, "max_steps": 2000, "seed": 1337, "variant": "gpt-char", "tokenizer": "char",
///   "optimizer": "adamw", "val_loss": 1.82,
///   "corpus": { "path": "input.txt", "tokens": 1003854, "sha256": "…" },
///   "samplers": { "train": { "step": 500, "seed": 1337 }, "train_eval": { … }, "validation": { … } },
///   "dropout": { "drop_emb": { "seed": 123…, "calls": 500 }, … },
///   "files": { "model.safetensors": { "bytes": 3221928, "sha256": "…" }, … } }
/// </code>
/// A run started from a model directory's weights adds "init_from" (that directory's full path) after "optimizer".
/// A run of another objective than a GPT's causal LM adds "objective" ("masked-lm") after "state_sha256", and its
/// streams under "samplers" hold that objective's numbers (a masked LM's loader epoch and batch index too).
/// Every read error names the file and the key.
/// <para>
/// "state_sha256" (format 2) is the SHA-256 of the file's canonical content: the text <see cref="ToJson"/> writes for
/// the same state without that key. The other files' records do not cover this one, so without it an edited
/// "step" or a flipped bit here would be resumed from silently; with it, a mismatch is one error naming the file.
/// </para>
/// </summary>
public static class TrainerStateJson
{
    /// <summary>
    /// The file's name in a training checkpoint directory: the step, schedule and data positions a resume continues
    /// from.
    /// </summary>
    public const string FileName = "trainer_state.json";

    private const string DigestKey = "state_sha256";

    /// <summary>Writes <paramref name="state"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(TrainerState state, string path) => AtomicFile.WriteAllText(path, ToJson(state));

    /// <summary>The file's text, in format <see cref="TrainerState.CurrentFormatVersion"/>, with its state_sha256.</summary>
    public static string ToJson(TrainerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state = state with { FormatVersion = TrainerState.CurrentFormatVersion };
        return Write(state, Digest(state));
    }

    /// <summary>SHA-256 (lower-case hex) of the canonical text of <paramref name="state"/>: as written, without state_sha256.</summary>
    private static string Digest(TrainerState state) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Write(state, digest: null))));

    private static string Write(TrainerState state, string? digest)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("format_version", state.FormatVersion);
            if (digest is not null) json.WriteString(DigestKey, digest);
            // "objective" is written only for an objective other than a GPT's, so a GPT checkpoint's file is as it always was
            if (state.Objective != CausalLanguageModeling.ObjectiveKind) json.WriteString("objective", state.Objective);
            json.WriteNumber("step", state.Step);
            json.WriteNumber("max_steps", state.MaxSteps);
            json.WriteNumber("seed", state.Seed);
            json.WriteString("variant", state.Variant);
            json.WriteString("tokenizer", state.Tokenizer);
            json.WriteString("optimizer", state.Optimizer);
            // "init_from" only for a run started from a model directory's weights (train --init-from)
            if (state.InitializedFrom is not null) json.WriteString("init_from", state.InitializedFrom);
            if (state.ValidationLoss is double loss && double.IsFinite(loss)) json.WriteNumber("val_loss", loss);
            else json.WriteNull("val_loss");

            json.WriteStartObject("corpus");
            json.WriteString("path", state.Corpus.Path);
            json.WriteNumber("tokens", state.Corpus.Tokens);
            json.WriteString("sha256", state.Corpus.Sha256);
            json.WriteEndObject();

            json.WriteStartObject("samplers");
            foreach (var kind in TrainingStreams.All)
                if (state.Streams.TryGetValue(kind, out var streamState)) WriteStream(json, TrainingStreams.Key(kind), streamState);
            json.WriteEndObject();

            json.WriteStartObject("dropout");
            foreach (var (name, dropout) in state.Dropout)
            {
                json.WriteStartObject(name);
                json.WriteNumber("seed", dropout.Seed);
                json.WriteNumber("calls", dropout.Calls);
                json.WriteEndObject();
            }
            json.WriteEndObject();

            json.WriteStartObject("files");
            foreach (var (name, file) in state.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject(name);
                json.WriteNumber("bytes", file.Bytes);
                json.WriteString("sha256", file.Sha256);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="CheckpointFormatException">Invalid JSON, another format version, or a missing or mistyped key.</exception>
    public static TrainerState Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no {FileName}: the directory is not a training checkpoint (or its save did not finish).", path);
        return Parse(ModelFile.ReadAllText(path), path);
    }

    /// <summary>Parses trainer_state.json's <paramref name="text"/> and checks its digest; <paramref name="source"/>
    /// names it in errors.</summary>
    /// <exception cref="CheckpointFormatException">Invalid JSON, another format version, a missing or mistyped key,
    /// or a state_sha256 digest that does not match its contents.</exception>
    public static TrainerState Parse(string text, string source = FileName)
    {
        using (var document = ConfigJsonKeys.ParseObject(text, source, "a trainer state"))
        {
            var keys = new ConfigJsonKeys(document.RootElement, source);
            int version = keys.RequiredInt("format_version");
            if (version is not (1 or TrainerState.CurrentFormatVersion))
                throw keys.Error("format_version", $"is {version}; this build reads formats 1 and {TrainerState.CurrentFormatVersion}.");
            // Format 1 predates the digest: accepted as it always was. Format 2 must carry one.
            string? digest = version >= 2 ? keys.RequiredString(DigestKey) : null;

            var corpus = keys.RequiredObject("corpus");
            var samplers = keys.RequiredObject("samplers");
            var dropoutKeys = keys.RequiredObject("dropout");
            var dropout = new Dictionary<string, DropoutState>(StringComparer.Ordinal);
            foreach (string name in dropoutKeys.Names())
            {
                var layer = dropoutKeys.RequiredObject(name);
                dropout[name] = new DropoutState(layer.RequiredULong("seed"), layer.RequiredLong("calls"));
            }
            var fileKeys = keys.RequiredObject("files");
            var files = new Dictionary<string, CheckpointFileRecord>(StringComparer.Ordinal);
            foreach (string name in fileKeys.Names())
            {
                var file = fileKeys.RequiredObject(name);
                files[name] = new CheckpointFileRecord(file.RequiredLong("bytes"), file.RequiredString("sha256"));
            }

            var state = new TrainerState
            {
                FormatVersion = version,
                Step = keys.RequiredInt("step"),
                MaxSteps = keys.RequiredInt("max_steps"),
                Seed = keys.RequiredULong("seed"),
                Variant = keys.RequiredString("variant"),
                Tokenizer = keys.RequiredString("tokenizer"),
                Optimizer = keys.RequiredString("optimizer"),
                InitializedFrom = keys.Get("init_from") is not null ? keys.RequiredString("init_from") : null,
                ValidationLoss = keys.OptionalNullableDouble("val_loss"),
                Corpus = new CorpusFingerprint(corpus.Get("path") is { ValueKind: JsonValueKind.String } p ? p.GetString() : null,
                    corpus.RequiredLong("tokens"), corpus.RequiredString("sha256")),
                Objective = keys.Get("objective") is { } objective ? keys.RequiredString("objective") : CausalLanguageModeling.ObjectiveKind,
                Streams = TrainingStreams.All.ToDictionary(s => s, s => ReadStream(samplers.RequiredObject(TrainingStreams.Key(s)))),
                Dropout = dropout,
                Files = files,
            };
            if (state.Step < 0) throw keys.Error("step", $"must be zero or positive, got {state.Step}.");
            if (digest is not null && Digest(state) is var actual && actual != digest)
                throw keys.Error(DigestKey, (digest.Length == actual.Length && digest.All(char.IsAsciiHexDigitLower) ? $"is {Short(digest)}" : "is not a SHA-256 in lower-case hex")
                                            + $", but the content hashes to {Short(actual)}: the file was edited or damaged after it was saved.");
            return state;
        }
    }

    private static string Short(string hex) => hex.Length > 12 ? hex[..12] + "…" : hex;

    private static void WriteStream(Utf8JsonWriter json, string name, TrainingStreamState state)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in state.Values) json.WriteNumber(key, value);
        json.WriteEndObject();
    }

    // every stream has a "step" (batches drawn) and a "seed"; the objective reads the rest when it restores the stream
    private static TrainingStreamState ReadStream(ConfigJsonKeys keys)
    {
        long step = keys.RequiredLong("step");
        if (step < 0) throw keys.Error("step", $"must be zero or positive, got {step}.");
        keys.RequiredInt("seed");
        return new TrainingStreamState(keys.Names().Select(name => KeyValuePair.Create(name, keys.RequiredLong(name))));
    }
}
