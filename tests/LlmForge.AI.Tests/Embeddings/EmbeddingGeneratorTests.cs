using LlmForge.AI;
using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Tokenization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using TempDirectory = LlmForge.Tests.Checkpoints.TempDirectory;

namespace LlmForge.Tests.Embeddings;

/// <summary>LlmForge's IEmbeddingGenerator over a tiny random BERT, obtained through DI and used through M.E.AI's types.</summary>
public sealed class EmbeddingGeneratorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public EmbeddingGeneratorTests() => TinyModels.WriteBert(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private IEmbeddingGenerator<string, Embedding<float>> Generator(bool normalize = true, int batchSize = 16)
    {
        var services = new ServiceCollection();
        services.AddLlmForgeEmbeddingGenerator(o => { o.ModelDirectory = _dir.Path; o.Normalize = normalize; o.BatchSize = batchSize; });
        return services.BuildServiceProvider().GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
    }

    private static readonly string[] Texts = ["the cat sat on the mat.", "hello", "a dog ran far far far away from the cat on the mat.", "world"];

    private static double Norm(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (float x in v) s += (double)x * x;
        return Math.Sqrt(s);
    }

    private static double MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        return max;
    }

    [Fact]
    public async Task One_embedding_per_text_of_the_models_width_unit_norm_with_usage_and_metadata()
    {
        var generator = Generator();
        var embeddings = await generator.GenerateAsync(Texts);
        Assert.Equal(Texts.Length, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal(16, e.Dimensions));
        Assert.All(embeddings, e => Assert.True(Math.Abs(Norm(e.Vector.Span) - 1) <= 1e-5, $"norm {Norm(e.Vector.Span)}"));
        Assert.Equal(9 + 3 + 16 + 3, embeddings.Usage!.InputTokenCount); // [CLS] … [SEP] of each text ("from" is [UNK]), no padding
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal(16, metadata!.DefaultModelDimensions);
        Assert.Equal("LlmForge", metadata.ProviderName);
        await Assert.ThrowsAsync<NotSupportedException>(() => generator.GenerateAsync(Texts, new EmbeddingGenerationOptions { Dimensions = 8 }));
    }

    [Fact]
    public async Task Mean_pooling_ignores_padding_a_text_alone_equals_it_in_a_padded_batch()
    {
        var generator = Generator(normalize: false);
        var alone = await generator.GenerateAsync(["hello"]);
        var batched = await generator.GenerateAsync(Texts); // "hello" padded from 3 to 16 tokens
        double diff = MaxDifference(alone[0].Vector.Span, batched[1].Vector.Span);
        Assert.True(diff <= 1e-5, $"alone vs. padded: {diff}");
        var oneByOne = await Generator(normalize: false, batchSize: 1).GenerateAsync(Texts);
        for (int i = 0; i < Texts.Length; i++)
        {
            double d = MaxDifference(oneByOne[i].Vector.Span, batched[i].Vector.Span);
            Assert.True(d <= 1e-5, $"text {i}: batch of 1 vs. of {Texts.Length}: {d}");
        }
    }

    [Fact]
    public async Task The_embedding_is_the_mean_of_the_encoders_hidden_states_and_normalization_scales_it()
    {
        var raw = (await Generator(normalize: false).GenerateAsync([Texts[0]]))[0].Vector.ToArray();
        var unit = (await Generator().GenerateAsync([Texts[0]]))[0].Vector.ToArray();

        var tokenizer = WordPieceTokenizer.FromDirectory(_dir.Path);
        var model = BertCheckpoint.Load(_dir.Path, new ManagedBackend());
        model.Train(false);
        var encoded = tokenizer.EncodeForModel(Texts[0]);
        float[] hidden;
        using (GradMode.NoGrad()) hidden = model.Encode(new BertInput(encoded.InputIds, 1, encoded.Length)).Data; // (1, T, 16)
        var mean = new float[16];
        for (int t = 0; t < encoded.Length; t++)
            for (int c = 0; c < 16; c++) mean[c] += hidden[t * 16 + c] / encoded.Length;

        double diff = MaxDifference(mean, raw);
        Assert.True(diff <= 1e-5, $"mean of hidden states vs. embedding: {diff}");
        double norm = Norm(raw);
        Assert.True(Math.Abs(norm - 1) > 1e-3, $"a random encoder's mean is not already unit length ({norm})");
        double scaled = MaxDifference(raw.Select(x => (float)(x / norm)).ToArray(), unit);
        Assert.True(scaled <= 1e-6, $"normalized vs. mean / norm: {scaled}");
    }

    [Fact]
    public async Task Cancellation_before_a_batch_throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Generator().GenerateAsync(Texts, cancellationToken: cts.Token));
    }
}
