// Learn 6 — The transformer block.
//
// A GPT is the same block stacked 12 times (GPT-2 small). Around the attention of Learn 5 the block adds a few small
// parts, each with a job: LayerNorm keeps every token's vector at mean 0 and variance 1 so the next layer sees numbers
// of a steady size; a feed-forward network (Linear C → 4C, GELU, Linear 4C → C) works on each token alone; dropout
// regularizes during training; and the shortcut (residual) connections add each part's output to its input, so the
// gradient has a direct path back through all the blocks. This sample lists the block's parts with their shapes,
// writes LayerNorm from primitives, compares GELU with ReLU, shows dropout, and repeats the course's experiment on
// why shortcuts matter: the gradients of a deep network without them vanish.
//
// Usage: dotnet run -c Release --project samples/06-TransformerBlock [-- OUTDIR]   (PNGs in samples/out/ by default)
using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Gpt;
using LlmForge.Layers;
using LlmForge.Plotting;
using LlmForge.Samples;

var backend = new ManagedBackend();
string outDir = SampleFiles.OutputDirectory(args);

// ------------------------------------------------------------------------------------- 1. the block, part by part
// GPT-2 small's block as the course builds it (no qkv bias; C = 768, 12 heads). Pre-LN, as GPT-2: each part reads a
// normalized copy of the stream and adds its result to it; the stream itself is never normalized inside the block.
var config = GptConfig.Gpt2Small with { QkvBias = false };
var init = new ModuleInit(backend, seed: 0);
var block = new TransformerBlock(init, config, GptComponents.For(config), layer: 0);
block.Eval(); // dropout off, so the walk below and the block's own Forward must agree
const int batch = 2, tokens = 4;
int c = config.EmbeddingDim;
var x = Tensor.Randn(backend, seed: 1, std: 1f, batch, tokens, c); // (B, T, C): the residual stream entering the block
static string Shape(Tensor t) => "(" + string.Join(", ", t.Shape) + ")";
static string Count(Module m) => m.ParameterCount() == 0 ? "" : $"{m.ParameterCount():N0}";
var parts = new TextTable("step", "part", "output shape", "parameters");
var h = block.Norm1.Forward(x);
parts.Add("1", "LayerNorm (norm1)", Shape(h), Count((Module)block.Norm1));
var attention = block.Attention.Forward(AttentionInput.Causal(h));                 // causal self-attention, Learn 5
parts.Add("2", "multi-head attention (att: W_query, W_key, W_value, out_proj)", Shape(attention), Count((Module)block.Attention));
attention = block.ResidualDropout.Forward(attention);
parts.Add("3", $"dropout (drop_shortcut, p = {block.ResidualDropout.P})", Shape(attention), "");
var stream = x + attention;
parts.Add("4", "shortcut: x + attention", Shape(stream), "");
h = block.Norm2.Forward(stream);
parts.Add("5", "LayerNorm (norm2)", Shape(h), Count((Module)block.Norm2));
var mlp = (FeedForward)block.FeedForward;                                          // GPT-2's plain MLP (Learn 9: gated ones)
var hidden = mlp.Fc.Forward(h);                                                    // (B, T, 4C): wider, per token
parts.Add("6", "feed-forward: Linear C → 4C (ff.layers.0)", Shape(hidden), Count(mlp.Fc));
hidden = mlp.Activation.Forward(hidden);
parts.Add("7", "feed-forward: GELU", Shape(hidden), "");
var feedForward = mlp.Projection.Forward(hidden);
parts.Add("8", "feed-forward: Linear 4C → C (ff.layers.2)", Shape(feedForward), Count(mlp.Projection));
feedForward = block.ResidualDropout.Forward(feedForward);
parts.Add("9", "dropout (drop_shortcut)", Shape(feedForward), "");
var output = stream + feedForward;
parts.Add("10", "shortcut: stream + feed-forward", Shape(output), "");
Console.WriteLine($"1. One GPT-2 small block (C = {c}, {config.Heads} heads, feed-forward {config.FeedForwardDim}, qkv bias {config.QkvBias}), input x {Shape(x)}");
Console.Write(parts);
// GPT-2's learned positions are added to the embeddings before the first block; inside it they change nothing.
var positions = new LearnedPositionalEncoding(init, config.ContextLength, c);
Console.WriteLine($"   the walk above vs TransformerBlock.Forward: max difference {TensorChecks.MaxDifference(output, block.Forward(x, positions)):0.0E+0}");
Console.WriteLine($"   one GPT-2 small block: {block.ParameterCount():N0} parameters (× {config.Layers} blocks = {config.Layers * block.ParameterCount():N0})");
Console.WriteLine("   The block maps (B, T, C) to (B, T, C): blocks stack without any glue.");

// ------------------------------------------------------------------------------------ 2. LayerNorm from primitives
// y = (x − mean) / √(var + ε) · scale + shift over the last axis, with the biased variance (divide by C, as torch).
// Written with F's primitives: MeanLastAxis(keepDim) gives (.., 1), which broadcasts back against (.., C).
static Tensor MyLayerNorm(Tensor x, Tensor scale, Tensor shift, float eps)
{
    var centered = x - x.MeanLastAxis(keepDim: true);                       // (.., C) − (.., 1)
    var variance = centered.Square().MeanLastAxis(keepDim: true);           // (.., 1)
    return centered * (variance + eps).Rsqrt() * scale + shift;             // (.., C) · (.., 1) · (C) + (C)
}
Console.WriteLine();
Console.WriteLine("2. LayerNorm from primitives (MeanLastAxis, Square, Rsqrt, broadcasting)");
// The course's example: 2 rows of 5 features through Linear(5 → 6) and ReLU, then normalized.
var example = new Linear(new ModuleInit(backend, seed: 2, std: 0.5f), 5, 6)
    .Forward(Tensor.Randn(backend, seed: 3, std: 1f, 2, 5)).Relu();          // (2, 5) → (2, 6)
var ones = Tensor.Ones(backend, 6);
var zeros = Tensor.Zeros(backend, 6);
var normalized = MyLayerNorm(example, ones, zeros, 1e-5f);
Console.WriteLine($"   before: row means {RowStats(example)}");
Console.WriteLine($"   after:  row means {RowStats(normalized)}");
// Against the library's LayerNorm on a GPT-sized input, with a random scale and shift so they count in the check.
var norm = new LayerNorm(init, c);
Tensor.Randn(backend, seed: 4, std: 1f, c).Span.CopyTo(norm.Scale.Span);
Tensor.Randn(backend, seed: 5, std: 1f, c).Span.CopyTo(norm.Shift.Span);
var stream3 = Tensor.Randn(backend, seed: 6, std: 3f, batch, tokens, c) + 2f; // (B, T, C), off-centre on purpose
double layerNormDifference = TensorChecks.MaxDifference(MyLayerNorm(stream3, norm.Scale, norm.Shift, norm.Eps), norm.Forward(stream3));
Console.WriteLine($"   LayerNorm from primitives vs the library's LayerNorm on {Shape(stream3)}: max difference = {layerNormDifference:0.0E+0}");

// ------------------------------------------------------------------------------------------------- 3. GELU vs ReLU
// ReLU cuts every negative input to 0, with a kink at 0 and zero gradient below it. GELU (x·Φ(x)) is smooth, lets small
// negative values through (its minimum is about −0.17 near x = −0.75) and tends to ReLU for large |x|. GPT-2 uses the
// tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))); BERT the exact erf form.
Console.WriteLine();
Console.WriteLine("3. GELU vs ReLU");
float[] points = [-3f, -2f, -1f, -0.75f, -0.5f, 0f, 0.5f, 1f, 2f, 3f];
var at = Tensor.FromArray(backend, points, points.Length);
float[] geluTanh = at.Gelu(GeluApproximation.Tanh).ToArray(), geluErf = at.Gelu(GeluApproximation.Erf).ToArray(), relu = at.Relu().ToArray();
var activations = new TextTable("x", "GELU (tanh)", "GELU (erf)", "ReLU");
for (int i = 0; i < points.Length; i++)
    activations.Add($"{points[i]:F2}", $"{geluTanh[i]:F4}", $"{geluErf[i]:F4}", $"{relu[i]:F4}");
Console.Write(activations);

// ---------------------------------------------------------------------------------------------------- 4. dropout
// In training each element is zeroed with probability p and the survivors are multiplied by 1/(1 − p), so the
// expected value of every element is unchanged and nothing needs rescaling at inference. In eval mode it is the identity.
Console.WriteLine();
Console.WriteLine("4. Dropout on a 100 × 100 matrix of ones");
var allOnes = Tensor.Ones(backend, 100, 100);
foreach (float p in (float[])[0.1f, 0.5f])
{
    var drop = new Dropout(p, seed: 7);
    float[] trained = drop.Forward(allOnes).ToArray();
    double zeroed = trained.Count(v => v == 0f) / (double)trained.Length;
    float kept = trained.First(v => v != 0f);
    drop.Eval();
    double evalDifference = TensorChecks.MaxDifference(allOnes, drop.Forward(allOnes));
    Console.WriteLine($"   p = {p}: train zeroes {zeroed:P1}, keeps the rest at {kept:F4} (1/(1 − p) = {1 / (1 - p):F4}), mean {trained.Average():F4}; " +
        $"eval max difference {evalDifference:0.0E+0}");
}

// -------------------------------------------------------------------------------------- 5. why the shortcuts matter
// The course's experiment: 5 layers of Linear + GELU with widths [3, 3, 3, 3, 3, 1], input [1, 0, −1], target 0, MSE
// loss, one backward pass. Initialized as torch's nn.Linear (U(±1/√in) for weight and bias), the same weights both
// times. Without shortcuts the gradient reaching layer 1 is a product of five layers' small derivatives and nearly
// vanishes; with them (x + layer(x) where the shapes allow) each layer gets the gradient of the output directly too.
int[] sizes = [3, 3, 3, 3, 3, 1];
var input = Tensor.FromArray(backend, [1f, 0f, -1f], 1, 3); // (1, 3)
double[] MeanAbsGradients(bool shortcuts)
{
    var rng = new Random(123); // the same initial weights for both networks
    var layers = Enumerable.Range(0, sizes.Length - 1).Select(i =>
    {
        float bound = 1f / MathF.Sqrt(sizes[i]);
        return new Linear(Tensor.Uniform(backend, rng, -bound, bound, sizes[i + 1], sizes[i]),
            Tensor.Uniform(backend, rng, -bound, bound, sizes[i + 1]));
    }).ToList();
    var a = input;
    foreach (var layer in layers)
    {
        var y = layer.Forward(a).Gelu();                                          // (1, out)
        a = shortcuts && y.Shape.SequenceEqual(a.Shape) ? a + y : y;               // the last layer (3 → 1) has none
    }
    var loss = a.Square().Mean();                                                // MSE against target 0
    loss.Backward();
    return [.. layers.Select(l => l.Weight.Grad!.Average(g => Math.Abs((double)g)))];
}
double[] without = MeanAbsGradients(shortcuts: false), with = MeanAbsGradients(shortcuts: true);
Console.WriteLine();
Console.WriteLine("5. Mean |∂loss/∂weight| per layer of a 5-layer network, one backward pass (layer 1 is nearest the input)");
var gradients = new TextTable("layer", "without shortcuts", "with shortcuts", "with / without");
for (int i = 0; i < without.Length; i++)
    gradients.Add($"{i + 1}", $"{without[i]:0.000000}", $"{with[i]:0.000000}", $"{with[i] / without[i]:F0}");
Console.Write(gradients);
Console.WriteLine($"   without shortcuts layer 1 gets {without[0] / without[^1]:P2} of layer 5's gradient; with them {with[0] / with[^1]:P1}");

string chart, geluChart;
try
{
    double[] layerAxis = [.. Enumerable.Range(1, without.Length).Select(i => (double)i)];
    chart = PngChart.Lines(Path.Combine(outDir, "06-shortcut-gradients.png"),
        "Gradient reaching each layer of a 5-layer network", "layer (1 = nearest the input)", "log10 mean |∂loss/∂weight|",
        [new LineSeries("without shortcuts", layerAxis, [.. without.Select(Math.Log10)]),
         new LineSeries("with shortcuts", layerAxis, [.. with.Select(Math.Log10)])]);
    double[] xs = [.. Enumerable.Range(0, 121).Select(i => -3 + i * 0.05)];
    var curve = Tensor.FromArray(backend, [.. xs.Select(v => (float)v)], xs.Length);
    geluChart = PngChart.Lines(Path.Combine(outDir, "06-gelu-relu.png"), "GELU (tanh approximation) and ReLU", "x", "activation(x)",
        [new LineSeries("GELU", xs, [.. curve.Gelu().ToArray().Select(v => (double)v)]),
         new LineSeries("ReLU", xs, [.. curve.Relu().ToArray().Select(v => (double)v)])]);
}
catch (InvalidOperationException e) // no font on this machine: one line with the fix
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
Console.WriteLine();
Console.WriteLine($"6. Pictures: {chart}");
Console.WriteLine($"             {geluChart}");
return 0;

// "m1, m2; variances v1, v2" of a (rows, C) tensor: mean and biased variance of each row.
static string RowStats(Tensor t)
{
    int cols = t.Shape[^1];
    float[] data = t.ToArray();
    var rows = Enumerable.Range(0, data.Length / cols).Select(r => data.AsSpan(r * cols, cols).ToArray()).ToList();
    double Mean(float[] r) => r.Average(v => (double)v);
    double Variance(float[] r) => r.Average(v => (v - Mean(r)) * (v - Mean(r)));
    return $"{string.Join(", ", rows.Select(r => Mean(r).ToString("F4")))}; variances {string.Join(", ", rows.Select(r => Variance(r).ToString("F4")))}";
}
