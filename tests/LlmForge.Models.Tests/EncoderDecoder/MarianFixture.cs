using System.Text.Json;
using LlmForge.Checkpoints;
using LlmForge.EncoderDecoder;

namespace LlmForge.Tests.EncoderDecoder;

/// <summary>One PyTorch golden MarianMT fixture (Fixtures/marian-tiny*, written by tools/reference/marian_reference.py).</summary>
internal sealed class MarianFixture
{
    private MarianFixture(string name)
    {
        Name = name;
        Directory = FixturePath.Of(name);
        using var input = JsonDocument.Parse(System.IO.File.ReadAllText(File("input.json")));
        var ids = Rows(input.RootElement.GetProperty("input_ids"));
        var decoder = Rows(input.RootElement.GetProperty("decoder_input_ids"));
        Input = new Seq2SeqInput([.. ids.SelectMany(r => r)], ids.Length, ids[0].Length, [.. decoder.SelectMany(r => r)], decoder[0].Length,
            [.. Rows(input.RootElement.GetProperty("attention_mask")).SelectMany(r => r)]);
        Logits = NpyFile.Read<float>(File("logits.npy"));
        using var greedy = JsonDocument.Parse(System.IO.File.ReadAllText(File("greedy.json")));
        MaxNewTokens = greedy.RootElement.GetProperty("max_new_tokens").GetInt32();
        Greedy = Rows(greedy.RootElement.GetProperty("sequences"));
        using var beam = JsonDocument.Parse(System.IO.File.ReadAllText(File("beam.json")));
        BeamCases = [.. beam.RootElement.GetProperty("cases").EnumerateArray().Select(c => new MarianBeamCase(
            new BeamSearchOptions
            {
                NumBeams = c.GetProperty("num_beams").GetInt32(),
                LengthPenalty = c.GetProperty("length_penalty").GetSingle(),
                EarlyStopping = c.GetProperty("early_stopping") switch
                {
                    { ValueKind: JsonValueKind.True } => BeamEarlyStopping.OnceFull,
                    { ValueKind: JsonValueKind.False } => BeamEarlyStopping.Heuristic,
                    var never when never.GetString() == "never" => BeamEarlyStopping.Never,
                    var other => throw new InvalidDataException($"beam.json: early_stopping {other}"),
                },
                MaxNewTokens = c.GetProperty("max_new_tokens").GetInt32(),
            },
            Rows(c.GetProperty("sequences")),
            [.. c.GetProperty("scores").EnumerateArray().Select(s => s.GetDouble())]))];
    }

    /// <summary>swish, scale_embedding, 2 + 2 layers, d_model 16, 4 heads; the tied copies of model.shared.weight saved too.</summary>
    public static MarianFixture Tiny => new("marian-tiny");

    /// <summary>relu, no embedding scale, 1 + 2 layers, d_model 12, 3 heads; model.shared.weight only.</summary>
    public static MarianFixture TinyRelu => new("marian-tiny-relu");

    public static IEnumerable<MarianFixture> All => [Tiny, TinyRelu];

    public string Name { get; }

    public string Directory { get; }

    /// <summary>A source batch with padding in row 1, and decoder_input_ids starting with the pad id.</summary>
    public Seq2SeqInput Input { get; }

    /// <summary>[B, T_dec, V] from PyTorch in float64.</summary>
    public NpyArray<float> Logits { get; }

    public int MaxNewTokens { get; }

    /// <summary>The reference's greedy output per row: decoder start, then the generated ids.</summary>
    public int[][] Greedy { get; }

    /// <summary>The reference's beam searches of <see cref="Input"/>'s source (beam.json): options, sequences, scores.</summary>
    public IReadOnlyList<MarianBeamCase> BeamCases { get; }

    public string File(string name) => Path.Combine(Directory, name);

    public override string ToString() => Name;

    private static int[][] Rows(JsonElement rows) =>
        [.. rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray())];
}

/// <summary>One beam search of the reference: its options and, per source row, the sequence and its score.</summary>
internal sealed record MarianBeamCase(BeamSearchOptions Options, int[][] Sequences, double[] Scores)
{
    public override string ToString() =>
        $"beams {Options.NumBeams}, length_penalty {Options.LengthPenalty}, {Options.EarlyStopping}, max_new_tokens {Options.MaxNewTokens}";
}
