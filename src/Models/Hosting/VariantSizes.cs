using System.Numerics;
using LlmForge.Checkpoints;
using LlmForge.Training;

namespace LlmForge.Hosting;

/// <summary>
/// The bounds of a variant's sizes, and the products of them that must fit: every weight and, for the variant a run
/// trains, every activation of one batch is one tensor of at most <see cref="Array.MaxLength"/> floats; the whole
/// model at most <see cref="MaxParameters"/>. Each size alone can be sensible while their product is not, which
/// would surface as "Shape [2000000000,128] has … elements" from the tensor library, naming no setting.
/// The limits are public so that a command line taking these sizes as flags bounds them alike.
/// </summary>
public static class VariantSizes
{
    /// <summary>Largest VocabSize (2²⁰ tokens).</summary>
    public const int MaxVocabSize = 1 << 20;
    /// <summary>Largest ContextLength (2²⁰ positions).</summary>
    public const int MaxContextLength = 1 << 20;
    /// <summary>Largest EmbeddingDim C (2¹⁴).</summary>
    public const int MaxEmbeddingDim = 1 << 14;
    /// <summary>Largest number of Layers.</summary>
    public const int MaxLayers = 1024;
    /// <summary>Largest number of attention Heads.</summary>
    public const int MaxHeads = 1024;
    /// <summary>Largest InnerDim, the MLP width (2¹⁷).</summary>
    public const int MaxInnerDim = 1 << 17;
    /// <summary>Largest TypeVocabSize, BERT's segment count (2¹⁶).</summary>
    public const int MaxTypeVocabSize = 1 << 16;

    /// <summary>About 34 GB of float32 weights; training keeps three more copies (gradients, two AdamW moments).</summary>
    public const long MaxParameters = 1L << 33;

    /// <summary>The weights of one variant (sizes already in range): each matrix, then the total.</summary>
    internal static void CheckModel(string key, ModelVariantOptions o, List<string> errors)
    {
        long c = o.EmbeddingDim, inner = o.InnerDim ?? 4L * o.EmbeddingDim;
        var wte = Product(errors, [($"{key}:VocabSize", o.VocabSize), ($"{key}:EmbeddingDim", c)], "the token embedding");
        var wpe = Product(errors, [($"{key}:ContextLength", o.ContextLength), ($"{key}:EmbeddingDim", c)], "the position table");
        var mlp = Product(errors, [($"{key}:EmbeddingDim", c), ($"{key}:InnerDim", inner)], "each MLP matrix");
        if (wte is null || wpe is null || mlp is null) return;
        // Per block: q, k, v and the output projection (4·C²) and the MLP's two matrices (2·C·inner); biases and
        // norms are lower order. An untied GPT head is a second token embedding.
        bool untied = !string.Equals(o.Architecture, ModelArchitectures.Bert, StringComparison.OrdinalIgnoreCase) && !o.TieWeights;
        BigInteger total = (untied ? 2 : 1) * wte.Value + wpe.Value + o.Layers * (4 * (BigInteger)c * c + 2 * mlp.Value);
        if (total > MaxParameters)
            errors.Add($"{key}:Layers {o.Layers} with EmbeddingDim {c}, InnerDim {inner} and VocabSize {o.VocabSize} gives about {total} parameters, more than a model may have ({MaxParameters}).");
    }

    /// <summary>The activations of one training batch of the variant a run builds (sizes already in range).</summary>
    internal static void CheckTraining(string key, ModelVariantOptions o, string trainingKey, TrainingOptions t, List<string> errors)
    {
        long inner = o.InnerDim ?? 4L * o.EmbeddingDim;
        (string, long) batch = ($"{trainingKey}:BatchSize", t.BatchSize), context = ($"{key}:ContextLength", o.ContextLength);
        Product(errors, [batch, context, ($"{key}:EmbeddingDim", o.EmbeddingDim)], "each hidden state of a batch");
        Product(errors, [batch, context, ($"{key}:InnerDim", inner)], "the MLP activation of a batch");
        Product(errors, [batch, ($"{key}:Heads", o.Heads), context, context], "the attention scores of a batch");
        Product(errors, [batch, ($"{trainingKey}:GradientAccumulationSteps", t.GradientAccumulationSteps), context], "the token ids of one optimizer step");
    }

    /// <summary>The product of the factors, or null (with a message naming every factor's key) when it exceeds one tensor.</summary>
    private static BigInteger? Product(List<string> errors, (string Key, long Value)[] factors, string what)
    {
        if (TensorSizeLimit.Exceeds(factors, out var product) is not { } count) return product;
        errors.Add($"{count} for {what}, more than one tensor holds ({Array.MaxLength}).");
        return null;
    }
}
