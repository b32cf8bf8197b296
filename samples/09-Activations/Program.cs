// Learn 9 — activation functions in LLMs.
//
// The feed-forward of every transformer block is where the non-linearity lives: without it, the stack of linears would
// collapse into one. GPT-2 uses GELU; the original transformer ReLU; Llama, Mistral and Qwen a *gated* feed-forward,
// SwiGLU, where one projection of the input, passed through SiLU, multiplies another element by element. This sample
// 1. draws ReLU, GELU (exact erf and GPT-2's tanh approximation) and SiLU with their derivatives — the derivatives taken
//    by LlmForge's autograd and checked against finite differences;
// 2. does the same check for the gated unit h = act(g) · u of SwiGLU and GeGLU (two inputs, two partial derivatives);
// 3. trains the baby GPT of Learn 8 once with each of the six feed-forwards, same data, same steps, same seed, and
//    prints the validation losses side by side with the parameter counts.
//
// Usage: dotnet run -c Release --project samples/09-Activations [-- OUTPUT_DIR]
//        (09-activations.png, 09-activation-derivatives.png, 09-activations-loss.png)
using System.Globalization;
using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Components;
using LlmForge.Data;
using LlmForge.Hosting;
using LlmForge.Layers;
using LlmForge.Plotting;
using LlmForge.Samples;
using LlmForge.Tokenization;
using LlmForge.Training;

string outputDirectory = SampleFiles.OutputDirectory(args);
var backend = new ManagedBackend();
static string F4(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
static string E1(double v) => v.ToString("0.0E+00", CultureInfo.InvariantCulture);

// ---------------------------------------------------------------------------------------------- 1. the four functions
//   ReLU        max(x, 0)                                  the original transformer (2017), OPT
//   GELU        x · Φ(x), Φ the standard normal CDF        BERT ("gelu"); smooth, slightly negative for x < 0
//   GELU tanh   0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³)))  GPT-2 ("gelu_new"): the same curve, cheaper to compute in 2018
//   SiLU        x · σ(x) (swish)                           Llama's gate
// The grid avoids x = 0 exactly: ReLU has a kink there, where no finite difference is a derivative.
var functions = new (string Name, ActivationFunction Function)[]
{
    ("ReLU", ActivationFunction.Relu), ("GELU (erf)", ActivationFunction.GeluErf),
    ("GELU (tanh), on top of erf", ActivationFunction.GeluTanh), ("SiLU", ActivationFunction.Silu),
};
const int Points = 160;
float[] grid = [.. Enumerable.Range(0, Points).Select(i => -3.975f + 0.05f * i)]; // −3.975 … 3.975
double[] gridX = [.. grid.Select(v => (double)v)];

// The derivative by autograd: x is a parameter, y = f(x) element-wise, so d(Σ y)/dx_i = f'(x_i).
(float[] Y, float[] Dy) Derivative(ActivationFunction f, float[] at)
{
    var x = Tensor.Parameter(Tensor.FromArray(backend, [.. at], at.Length));
    var y = x.Apply(f);
    y.Sum().Backward();
    return (y.ToArray(), (float[])x.Grad!.Clone());
}

// The derivative by central finite difference of the same op: (f(x + h) − f(x − h)) / 2h. Its error is about
// h² f‴/6 (truncation) + float rounding / h; h = 5e-3 balances the two near 1e-4.
const float H = 5e-3f;
float[] FiniteDifference(Func<Tensor, Tensor> f, float[] at, float h)
{
    float[] plus = f(Tensor.FromArray(backend, [.. at.Select(v => v + h)], at.Length)).ToArray();
    float[] minus = f(Tensor.FromArray(backend, [.. at.Select(v => v - h)], at.Length)).ToArray();
    return [.. plus.Select((p, i) => (p - minus[i]) / (2 * h))];
}

static double MaxAbsDifference(float[] a, float[] b) => a.Select((v, i) => Math.Abs((double)v - b[i])).Max();

Console.WriteLine($"1. The activations on x ∈ [−4, 4] ({Points} points), their derivatives by autograd against finite differences (h = {H}):");
var checks = new TextTable("function", "config name", "min f(x)", "at x", "f'(−1)", "f'(1)", "max |autograd − finite diff|");
var curves = new List<LineSeries>();
var slopes = new List<LineSeries>();
var values = new Dictionary<ActivationFunction, float[]>();
foreach (var (name, f) in functions)
{
    var (y, dy) = Derivative(f, grid);
    values[f] = y;
    double error = MaxAbsDifference(dy, FiniteDifference(t => t.Apply(f), grid, H));
    int min = Array.IndexOf(y, y.Min());
    string at = y[min] == 0 && y[0] == 0 ? "x ≤ 0" : grid[min].ToString("F3", CultureInfo.InvariantCulture); // ReLU: all of x ≤ 0
    var (_, slopeAtOne) = Derivative(f, [-1f, 1f]);
    checks.Add(name, ActivationFunctions.Name(f), F4(y[min]), at, F4(slopeAtOne[0]), F4(slopeAtOne[1]), E1(error));
    curves.Add(new LineSeries(name, gridX, [.. y.Select(v => (double)v)]));
    slopes.Add(new LineSeries(name + "'", gridX, [.. dy.Select(v => (double)v)]));
}
Console.Write(checks);
// The tanh form was an approximation for speed; how far is it from the exact GELU?
Console.WriteLine($"   GELU tanh vs erf: max |difference| = {E1(MaxAbsDifference(values[ActivationFunction.GeluTanh], values[ActivationFunction.GeluErf]))} " +
    "on the grid: the same curve for a model's purposes");
// Unlike ReLU, GELU and SiLU let a little signal (and gradient) through below 0, and their slope is smooth at 0:
// no unit is "dead" for good when its input turns negative.
Console.WriteLine($"   {PngChart.Lines(Path.Combine(outputDirectory, "09-activations.png"), "Activation functions f(x)", "x", "f(x)", curves)}");
Console.WriteLine($"   {PngChart.Lines(Path.Combine(outputDirectory, "09-activation-derivatives.png"), "Their derivatives f'(x), by autograd", "x", "f'(x)", slopes)}");

// ---------------------------------------------------------------------------------------------- 2. the gated unit
// A gated feed-forward computes, per hidden unit, h = act(g) · u with g = gate_proj(x), u = up_proj(x), then
// down_proj(h). Its two partial derivatives: ∂h/∂g = act'(g) · u (the gate's slope, scaled by the linear branch) and
// ∂h/∂u = act(g) (the gate's value: how open it is). SwiGLU uses SiLU, GeGLU the exact GELU.
Console.WriteLine("2. The gated unit h = act(g) · u, on 64 random (g, u) pairs: autograd against finite differences");
var gates = new TextTable("unit", "act", "max |∂h/∂g error|", "max |∂h/∂u error|");
foreach (var (name, f) in new[] { ("SwiGLU", ActivationFunction.Silu), ("GeGLU", ActivationFunction.GeluErf) })
{
    var g = Tensor.Parameter(Tensor.Randn(backend, 3, 1.5f, 64));
    var u = Tensor.Parameter(Tensor.Randn(backend, 4, 1.5f, 64));
    g.Apply(f).Mul(u).Sum().Backward();
    float[] gs = g.ToArray(), us = u.ToArray();
    var uConst = Tensor.FromArray(backend, us, 64);
    var gConst = Tensor.FromArray(backend, gs, 64);
    double dg = MaxAbsDifference(g.Grad!, FiniteDifference(t => t.Apply(f).Mul(uConst), gs, H));
    double du = MaxAbsDifference(u.Grad!, FiniteDifference(t => gConst.Apply(f).Mul(t), us, H));
    gates.Add(name, ActivationFunctions.Name(f), E1(dg), E1(du));
}
Console.Write(gates);

// ---------------------------------------------------------------------------------------------- 3. the same GPT, six ways
// Learn 8's baby GPT (T = 64, C = 64, 2 layers × 4 heads, tied head, no dropout), built six times from the same
// settings an appsettings.json variant holds, changing only "Activation". A gated feed-forward has three matrices
// (gate, up, down) where the MLP has two, so it gets a hidden width of ⅔ · 4C = 170 instead of 4C = 256: about the
// same parameters, and the comparison is of the shapes, not of the sizes.
var (corpusName, _, tokenizer, trainIds, validationIds) = CharacterCorpus.Load();
const int Steps = 150, GatedWidth = 170;
Console.WriteLine($"3. The baby GPT trained {Steps} steps with each feed-forward on {corpusName} " +
    $"(vocabulary {tokenizer.VocabSize}, train {trainIds.Length:N0} / validation {validationIds.Length:N0} characters); " +
    $"gated ones {GatedWidth} wide (⅔ · 4C), the others 4C = 256:");
var runs = new (string Activation, string Kind)[]
{
    ("relu", "MLP"), ("gelu", "MLP"), ("gelu_new", "MLP"), ("silu", "MLP"), ("swiglu", "gated"), ("geglu", "gated"),
};
var losses = new TextTable("Activation", "feed-forward", "hidden", "ff params/block", "parameters", "ff out RMS at init", "val loss", "train loss", "seconds");
// One normalized input (what norm2 hands the feed-forward: mean 0, variance 1 per token) to measure each at init.
var probe = Tensor.Randn(backend, 5, 1f, 1, 64, 64);
var validationCurves = new List<LineSeries>();
foreach (var (activation, kind) in runs)
{
    // What "LlmForge:Variants:baby:…" would bind to; Resolve applies the same mapping to a GptConfig as the CLI does.
    var options = new ModelVariantOptions
    {
        ContextLength = 64, EmbeddingDim = 64, Layers = 2, Heads = 4, QkvBias = true, TieWeights = true,
        Activation = activation, InnerDim = kind == "gated" ? GatedWidth : null,
    };
    var model = ModelVariant.Resolve("baby-" + activation, "LlmForge:Variants:baby-" + activation, options, BuiltInComponents.Kinds)
        .CreateGpt(backend, tokenizer.VocabSize, seed: 1);
    var training = new TrainingOptions
    {
        MaxSteps = Steps, BatchSize = 8, LearningRate = 3e-3f, MinLearningRate = 3e-4f, WarmupSteps = 15,
        EvalInterval = 25, EvalBatches = 4, LogInterval = Steps, CheckpointInterval = 0, WeightDecay = 0.1f, Seed = 1,
    };
    // The same seed everywhere: the same batches in the same order for every run.
    var trainer = new Trainer(CausalLanguageModeling.ForCorpus(model, trainIds, validationIds, training.BatchSize, seed: 1), training);
    double initialRms;
    using (GradMode.NoGrad())
    {
        float[] output = model.Blocks[0].FeedForward.Forward(probe).ToArray();
        initialRms = Math.Sqrt(output.Average(v => (double)v * v));
    }
    double validationBefore = trainer.Evaluate(TrainingStream.Validation);
    var reports = new List<TrainingProgress>();
    var result = trainer.Train(TextWriter.Null, TextWriter.Null, progress: new Collector(reports));
    var evaluations = reports.Where(p => p.Evaluated).ToList();
    validationCurves.Add(new LineSeries(activation, [0, .. evaluations.Select(p => (double)p.Step)],
        [validationBefore, .. evaluations.Select(p => p.ValidationLoss!.Value)]));
    losses.Add(activation, kind, model.Config.FeedForwardDim.ToString(CultureInfo.InvariantCulture),
        ((Module)model.Blocks[0].FeedForward).ParameterCount().ToString("N0", CultureInfo.InvariantCulture),
        model.ParameterCount().ToString("N0", CultureInfo.InvariantCulture), E1(initialRms), F4(result.ValidationLoss), F4(result.TrainLoss),
        result.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
}
Console.Write(losses);
// What a run this short shows: the four plain MLPs end within a few hundredths of each other (GELU's two forms agree
// to the fourth decimal), while the gated ones lag. Not because gating is worse — the Llama-era preference for SwiGLU
// comes from runs a million times longer (Shazeer 2020, "GLU Variants Improve Transformer") — but because they start
// slower: act(g) · u multiplies two small projections of a std-0.02 init, so at step 0 the gated feed-forward's output
// (the RMS column) is about ten times smaller than the MLP's, and so are the gradients reaching gate and up.
// The validation curves show the plateau before they catch on.
Console.WriteLine("   gated feed-forwards start from a much smaller output (ff out RMS at init) and learn later: see the curves");
Console.WriteLine($"   {PngChart.Lines(Path.Combine(outputDirectory, "09-activations-loss.png"), $"Baby GPT, validation loss by feed-forward ({Steps} steps)", "step", "val loss (nats per character)", validationCurves)}");

/// <summary>Keeps every report in order, on the training thread (Progress&lt;T&gt; would post them to the pool).</summary>
internal sealed class Collector(List<TrainingProgress> reports) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => reports.Add(value);
}
