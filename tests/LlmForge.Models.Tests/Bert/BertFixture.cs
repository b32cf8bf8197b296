using System.Text.Json;
using LlmForge.Bert;
using LlmForge.Checkpoints;

namespace LlmForge.Tests.Bert;

/// <summary>One PyTorch golden BERT fixture (Fixtures/bert-tiny*, written by tools/reference/bert_reference.py).</summary>
internal sealed class BertFixture
{
    private BertFixture(string name)
    {
        Directory = FixturePath.Of(name);
        using var input = JsonDocument.Parse(System.IO.File.ReadAllText(File("input.json")));
        var ids = Rows(input.RootElement.GetProperty("input_ids"));
        Input = new BertInput([.. ids.SelectMany(r => r)], ids.Length, ids[0].Length,
            [.. Rows(input.RootElement.GetProperty("token_type_ids")).SelectMany(r => r)],
            [.. Rows(input.RootElement.GetProperty("attention_mask")).SelectMany(r => r)]);
        MlmLogits = NpyFile.Read<float>(File("mlm_logits.npy"));
        Expected = JsonDocument.Parse(System.IO.File.ReadAllText(File("expected.json"))).RootElement.Clone();
        if (System.IO.File.Exists(File("labels.json")))
        {
            using var labels = JsonDocument.Parse(System.IO.File.ReadAllText(File("labels.json")));
            MlmLabels = [.. Rows(labels.RootElement.GetProperty("mlm_labels")).SelectMany(r => r)];
            ClassLabels = [.. labels.RootElement.GetProperty("class_labels").EnumerateArray().Select(v => v.GetInt32())];
        }
    }

    public static BertFixture Tiny => new("bert-tiny");

    public static BertFixture PreLN => new("bert-tiny-preln");

    public string Directory { get; }

    public BertInput Input { get; }

    /// <summary>[Batch, Seq, vocab].</summary>
    public NpyArray<float> MlmLogits { get; }

    public JsonElement Expected { get; }

    /// <summary>[Batch · Seq], -100 where no prediction (bert-tiny only).</summary>
    public int[] MlmLabels { get; } = [];

    public int[] ClassLabels { get; } = [];

    public string File(string name) => Path.Combine(Directory, name);

    public static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"lengths {a.Length} and {b.Length} differ");
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        return max;
    }

    private static int[][] Rows(JsonElement rows) =>
        [.. rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray())];
}
