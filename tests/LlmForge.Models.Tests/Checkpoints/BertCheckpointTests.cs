using LlmForge.Autograd;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Tests.Bert;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

public class BertCheckpointTests
{
    private static float[] MlmLogits(BertModel model)
    {
        model.Eval();
        using (GradMode.NoGrad()) return model.MaskedLMLogits(BertTestModels.Input()).Data;
    }

    [Theory]
    [InlineData(false, true, false, false)]
    [InlineData(true, true, false, false)]
    [InlineData(true, false, true, false)]
    [InlineData(true, true, true, true)]
    public void Save_then_Load_gives_identical_parameters_heads_and_config(bool pooler, bool mlm, bool classifier, bool preLN)
    {
        var config = BertTestModels.Small with { NormPosition = preLN ? LayerNormPosition.Pre : LayerNormPosition.Post };
        var original = BertTestModels.Randomized(config, new BertHeads(pooler, mlm, classifier));
        using var dir = new TempDirectory();
        BertCheckpoint.Save(original, dir.Path);
        Assert.Equal(["config.json", "model.safetensors"], dir.FileNames());

        var loaded = BertCheckpoint.Load(dir.Path, BertTestModels.Backend, seed: 99);
        Assert.Equal(original.Heads, loaded.Heads);
        Assert.Equal(config.Labels, loaded.Config.Labels);
        Assert.Equal(config with { Labels = [] }, loaded.Config with { Labels = [] });
        var expected = original.NamedParameters().ToList();
        var actual = loaded.NamedParameters().ToList();
        Assert.Equal(expected.Select(p => p.Name), actual.Select(p => p.Name));
        for (int i = 0; i < expected.Count; i++)
            Assert.True(expected[i].Parameter.Data.AsSpan().SequenceEqual(actual[i].Parameter.Data), expected[i].Name);
        if (mlm) Assert.Same(loaded.Embeddings.TokenEmbedding.Weight, loaded.MlmHead!.DecoderWeight);
        // pre-LN is a layout transformers' BERT cannot compute: it is labelled so that transformers refuses it
        Assert.Contains($"\"{(preLN ? "LlmForge" : "")}{original.Heads.Architecture}\"", File.ReadAllText(dir.File("config.json")));
    }

    [Theory]
    [InlineData(PositionEmbeddingType.Sinusoidal, NormalizationType.LayerNorm)]
    [InlineData(PositionEmbeddingType.Rotary, NormalizationType.RmsNorm)]
    public void Variants_round_trip_with_their_config_keys(PositionEmbeddingType positions, NormalizationType normalization)
    {
        var config = BertTestModels.Small with { PositionEmbedding = positions, Normalization = normalization, RopeTheta = 500 };
        var original = BertTestModels.Randomized(config, BertHeads.MaskedLanguageModel);
        using var dir = new TempDirectory();
        BertCheckpoint.Save(original, dir.Path);
        var loaded = BertCheckpoint.Load(dir.Path, BertTestModels.Backend);
        Assert.Equal(config with { Labels = [] }, loaded.Config with { Labels = [] });
        Assert.Equal(MlmLogits(original), MlmLogits(loaded));
    }

    /// <summary>
    /// A checkpoint as older transformers or TensorFlow conversions write it: LayerNorm.gamma/beta, BertModel names
    /// without "bert.", the position_ids buffer, the next-sentence head, and the tied decoder weight and bias stored.
    /// </summary>
    [Fact]
    public void Load_accepts_old_names_buffers_and_tied_copies()
    {
        var original = BertTestModels.Randomized(BertTestModels.Small, BertHeads.PreTraining);
        using var dir = new TempDirectory();
        BertCheckpoint.Save(original, dir.Path);
        string weights = dir.File("model.safetensors");
        var tensors = new List<(string, int[], ReadOnlyMemory<float>)>();
        using (var file = SafeTensorsFile.Open(weights))
        {
            foreach (var e in file.Entries)
            {
                string name = e.Name.Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta");
                if (name.StartsWith("bert.")) name = name["bert.".Length..];
                tensors.Add((name, e.Shape, file.ReadFloat32(e.Name)));
            }
            tensors.Add(("cls.predictions.decoder.weight", [20, 8], file.ReadFloat32("bert.embeddings.word_embeddings.weight")));
            tensors.Add(("cls.predictions.decoder.bias", [20], file.ReadFloat32("cls.predictions.bias")));
        }
        tensors.Add(("embeddings.position_ids", [1, 10], new float[10]));
        tensors.Add(("cls.seq_relationship.weight", [2, 8], new float[16]));
        tensors.Add(("cls.seq_relationship.bias", [2], new float[2]));
        SafeTensorsWriter.Write(weights, tensors);

        var loaded = BertCheckpoint.Load(dir.Path, BertTestModels.Backend);
        Assert.Equal(BertHeads.PreTraining, loaded.Heads);
        Assert.Equal(MlmLogits(original), MlmLogits(loaded));
    }

    [Fact]
    public void Load_rejects_an_untied_decoder_naming_it()
    {
        using var dir = new TempDirectory();
        BertCheckpoint.Save(BertTestModels.Randomized(BertTestModels.Small, BertHeads.MaskedLanguageModel), dir.Path);
        AddTensor(dir.File("model.safetensors"), "cls.predictions.decoder.weight", [20, 8], Enumerable.Repeat(0.5f, 160).ToArray());
        var e = Assert.Throws<CheckpointFormatException>(() => BertCheckpoint.Load(dir.Path, BertTestModels.Backend));
        Assert.Contains("'cls.predictions.decoder.weight' differs from 'bert.embeddings.word_embeddings.weight'", e.Message);
    }

    [Fact]
    public void Load_lists_missing_unexpected_and_misshaped_tensors_with_the_file()
    {
        using var dir = new TempDirectory();
        BertCheckpoint.Save(BertTestModels.Randomized(BertTestModels.Small, BertHeads.MaskedLanguageModel), dir.Path);
        string weights = dir.File("model.safetensors");
        var tensors = new List<(string, int[], ReadOnlyMemory<float>)>();
        using (var file = SafeTensorsFile.Open(weights))
            foreach (var e in file.Entries)
            {
                if (e.Name == "bert.encoder.layer.1.output.dense.bias") continue;
                if (e.Name == "bert.embeddings.token_type_embeddings.weight") tensors.Add((e.Name, [3, 8], new float[24]));
                else tensors.Add((e.Name, e.Shape, file.ReadFloat32(e.Name)));
            }
        tensors.Add(("bert.encoder.layer.7.output.dense.bias", [8], new float[8]));
        SafeTensorsWriter.Write(weights, tensors);

        var ex = Assert.Throws<CheckpointFormatException>(() => BertCheckpoint.Load(dir.Path, BertTestModels.Backend));
        Assert.StartsWith(weights, ex.Message);
        Assert.Contains("missing tensor 'bert.encoder.layer.1.output.dense.bias' [8]", ex.Message);
        Assert.Contains("'bert.embeddings.token_type_embeddings.weight' has shape [3, 8] but the model expects [2, 8]", ex.Message);
        Assert.Contains("unexpected tensor 'bert.encoder.layer.7.output.dense.bias'", ex.Message);
    }

    [Fact]
    public void LoadForClassification_keeps_the_encoder_and_initializes_the_new_heads()
    {
        var pretrained = BertTestModels.Randomized(BertTestModels.Small with { Labels = [] }, BertHeads.MaskedLanguageModel);
        using var dir = new TempDirectory();
        BertCheckpoint.Save(pretrained, dir.Path);

        var (model, initialized) = BertCheckpoint.LoadForClassification(dir.Path, BertTestModels.Backend, ["neg", "pos"]);
        Assert.Equal(["bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias"], initialized);
        Assert.Equal(["neg", "pos"], model.Config.Labels);
        Assert.Null(model.MlmHead);
        Assert.Equal(pretrained.GetParameter("blocks.1.ff.layers.2.weight").Data, model.GetParameter("blocks.1.ff.layers.2.weight").Data);

        BertCheckpoint.Save(model, dir.Path); // fine-tuned: now a BertForSequenceClassification directory
        var (again, none) = BertCheckpoint.LoadForClassification(dir.Path, BertTestModels.Backend, ["neg", "pos"]);
        Assert.Empty(none);
        Assert.Equal(model.GetParameter("classifier.weight").Data, again.GetParameter("classifier.weight").Data);
        Assert.Equal(BertHeads.SequenceClassification, BertCheckpoint.Load(dir.Path, BertTestModels.Backend).Heads);
    }

    [Fact]
    public void Load_without_config_names_the_missing_file()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<FileNotFoundException>(() => BertCheckpoint.Load(dir.Path, BertTestModels.Backend));
        Assert.Contains("config.json", e.Message);
    }

    private static void AddTensor(string path, string name, int[] shape, float[] data)
    {
        var tensors = new List<(string, int[], ReadOnlyMemory<float>)>();
        using (var file = SafeTensorsFile.Open(path))
            foreach (var e in file.Entries) tensors.Add((e.Name, e.Shape, file.ReadFloat32(e.Name)));
        tensors.Add((name, shape, data));
        SafeTensorsWriter.Write(path, tensors);
    }
}
