// Learn 5 — Attention from scratch.
//
// An embedding gives every token a vector that knows nothing of its neighbours. Self-attention replaces each vector by
// a weighted average of all of them (a "context vector"), the weights saying how much each other token matters to this
// one; the weights are computed from the vectors themselves. This sample builds it step by step with LlmForge's tensor
// ops (LlmForge.Autograd.F) on a six-token sentence: one head, then the causal mask a GPT needs, dropout on the
// weights, several heads side by side, checked against the library's MultiHeadAttention; then it measures why long
// contexts are expensive: the score matrix is T × T.
//
// Usage: dotnet run -c Release --project samples/05-Attention [-- OUTDIR]   (PNGs in samples/out/ by default)
using System.Diagnostics;
using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Layers;
using LlmForge.Plotting;
using LlmForge.Samples;
using LlmForge.Tokenization;

const string sentence = "Your journey starts with one step";
var backend = new ManagedBackend();
string outDir = SampleFiles.OutputDirectory(args);

// ----------------------------------------------------------------------------------------------- 0. the input
// GPT-2's tokenizer when its files are here (every word is one token, with its leading space), else one id per word.
string? gpt2Directory = SampleFiles.Gpt2Directory();
int[] ids;
string[] tokens;
int vocabulary;
if (gpt2Directory is not null)
{
    var gpt2 = Gpt2Tokenizer.FromDirectory(gpt2Directory);
    ids = [.. gpt2.Encode(sentence)];
    tokens = [.. ids.Select(id => gpt2.Decode([id]).Trim())];
    vocabulary = gpt2.VocabSize;
}
else
{
    tokens = sentence.Split(' ');
    ids = [.. Enumerable.Range(0, tokens.Length)];
    vocabulary = tokens.Length;
}
int T = ids.Length;
const int C = 4; // the embedding width: tiny, so every matrix fits on a screen (GPT-2 small: 768)
// Token embeddings from a seeded table (N(0, 1) as torch.nn.Embedding; untrained, so the numbers are arbitrary but
// reproducible). x: [T, C], one row per token.
var x = new Embedding(new ModuleInit(backend, seed: 123), vocabulary, C, std: 1f).Forward(ids);
Console.WriteLine($"0. \"{sentence}\": {T} tokens ({(gpt2Directory is not null ? "GPT-2 BPE" : "one id per word; GPT-2's files not found")}), ids {string.Join(" ", ids)}");
Console.WriteLine($"   embeddings x [{T}, {C}]:");
Console.Write(Matrix(x, tokens, [.. Enumerable.Range(0, C).Select(c => $"x{c}")]));

// ----------------------------------------------------------------------------------------- 1. one attention head
// Three learned projections turn each token's vector into a query (what it looks for), a key (what it offers to be
// found by) and a value (what it passes on). The score of token i for token j is q_i · k_j; divided by √d_k so the
// scores' spread does not grow with the width (large scores push softmax to one-hot, whose gradient vanishes), then
// softmax over j turns each row into weights that are positive and sum to 1. The context vector of token i is
// Σ_j weight_ij · v_j. Weights init N(0, 0.5²) here (GPT-2 uses 0.02, which at this width would make every score ~0).
const int dk = 2; // d_k, the head's width
var headInit = new ModuleInit(backend, seed: 1, std: 0.5f);
var wQuery = new Linear(headInit, C, dk, bias: false); // weight [d_k, C]: x → q
var wKey = new Linear(headInit, C, dk, bias: false);
var wValue = new Linear(headInit, C, dk, bias: false);
var q = wQuery.Forward(x);                        // [T, C] → [T, d_k]
var k = wKey.Forward(x);                          // [T, d_k]
var v = wValue.Forward(x);                        // [T, d_k]
var scores = q.MatMul(k.Transpose(0, 1));         // [T, d_k] · [d_k, T] → [T, T]: row i holds q_i · k_j for every j
var scaled = scores.Scale(1f / MathF.Sqrt(dk));   // [T, T]
var weights = scaled.Softmax();                   // [T, T], softmax over the last axis (j)
var context = weights.MatMul(v);                  // [T, T] · [T, d_k] → [T, d_k]
Console.WriteLine();
Console.WriteLine($"1. One head (d_k = {dk}): scores q·kᵀ [{T}, {T}] (row: the query token, column: the key token)");
Console.Write(Matrix(scores, tokens, tokens));
Console.WriteLine($"   weights = softmax(scores / √{dk}), each row sums to 1:");
Console.Write(Matrix(weights, tokens, tokens, rowSums: true));
Console.WriteLine($"   weights row sums: max |sum − 1| = {MaxRowSumError(weights):0.0E+0}");
Console.WriteLine($"   context vectors = weights · v [{T}, {dk}]:");
Console.Write(Matrix(context, tokens, [.. Enumerable.Range(0, dk).Select(c => $"z{c}")]));
// The matrix product is only a fast way to write the weighted sum; the second token's context vector by hand:
float[] w = weights.ToArray(), vs = v.ToArray(), z = context.ToArray();
double byHand = Enumerable.Range(0, dk).Select(d => Math.Abs(Enumerable.Range(0, T).Sum(j => (double)w[1 * T + j] * vs[j * dk + d]) - z[1 * dk + d]))
    .Aggregate(0.0, Math.Max); // Math.Max keeps a NaN (LINQ's Max would skip it)
Console.WriteLine($"   \"{tokens[1]}\": Σ_j weight_1j · v_j by hand vs the matmul: max difference {byHand:0.0E+0}");

// ---------------------------------------------------------------------------------------------- 2. causal mask
// A GPT predicts the next token, so token i must not see tokens after it. Set the scores above the diagonal to −∞
// before the softmax: exp(−∞) = 0, so those weights are exactly 0 and the rest still sum to 1.
var minusInfinity = new float[T * T];
for (int i = 0; i < T; i++)
    for (int j = i + 1; j < T; j++) minusInfinity[i * T + j] = float.NegativeInfinity;
var masked = scaled + Tensor.FromArray(backend, minusInfinity, T, T);   // [T, T], −∞ above the diagonal
var causal = masked.Softmax();                                          // [T, T]
Console.WriteLine();
Console.WriteLine("2. Causal mask: scores / √d_k with −∞ above the diagonal, then softmax");
Console.Write(Matrix(masked, tokens, tokens));
Console.Write(Matrix(causal, tokens, tokens, rowSums: true));
Console.WriteLine($"   causal upper triangle max |weight| = {UpperTriangleMax(causal):0.0E+0}; rows: max |sum − 1| = {MaxRowSumError(causal):0.0E+0}");
// The library does the same inside its softmax kernel (no −∞ tensor): Softmax(AttentionMaskSpec.CausalMask()).
Console.WriteLine($"   the library's causal softmax: max difference {TensorChecks.MaxDifference(causal, scaled.Softmax(AttentionMaskSpec.CausalMask())):0.0E+0}");
// Masking after the softmax works too if the rows are renormalized: zero the upper triangle, divide by the row sums.
var lowerOnes = new float[T * T];
for (int i = 0; i < T; i++)
    for (int j = 0; j <= i; j++) lowerOnes[i * T + j] = 1f;
var zeroed = weights * Tensor.FromArray(backend, lowerOnes, T, T);                  // [T, T]
var renormalized = zeroed / zeroed.SumLastAxis(keepDim: true);                     // [T, T] / [T, 1]
Console.WriteLine($"   mask after softmax, then renormalize: max difference {TensorChecks.MaxDifference(causal, renormalized):0.0E+0} (the same weights)");

// -------------------------------------------------------------------------------------------------- 3. dropout
// During training a fraction p of the weights is zeroed at random, so the model cannot lean on any single link; the
// others are scaled by 1/(1 − p) so each row keeps its expected sum. In evaluation (Eval()) dropout does nothing.
var dropout = new Dropout(0.5f, seed: 123);
var dropped = dropout.Forward(causal);              // training mode, the default
Console.WriteLine();
Console.WriteLine("3. Dropout p = 0.5 on the causal weights, training mode: about half zeroed, the rest doubled");
Console.Write(Matrix(dropped, tokens, tokens, rowSums: true));
dropout.Eval();
Console.WriteLine($"   eval mode: max difference from the weights {TensorChecks.MaxDifference(causal, dropout.Forward(causal)):0.0E+0} (identity)");

// ------------------------------------------------------------------------------------------- 4. multi-head attention
// Several heads look for different things. Rather than H separate projections to d_k each, one projection to C = H·d_k
// is split into H heads: (B, T, C) → (B, T, H, d_k) → (B, H, T, d_k). Each head attends on its own (causal), the heads'
// context vectors are put side by side again (B, T, C) and mixed by an output projection. The library's
// MultiHeadAttention does exactly this; given the same weights it must give the same numbers.
const int heads = 2, hs = C / heads;
var mhaInit = new ModuleInit(backend, seed: 2, std: 0.5f);
var wq = new Linear(mhaInit, C, C, bias: false);      // [C, C]: all heads' queries at once
var wk = new Linear(mhaInit, C, C, bias: false);
var wv = new Linear(mhaInit, C, C, bias: false);
var wo = new Linear(mhaInit, C, C);                  // out_proj, with a bias
Tensor.Randn(backend, seed: 3, std: 0.5f, C).Span.CopyTo(wo.Bias!.Span); // a non-zero bias, so the check covers it
var xb = x.Reshape(1, T, C);                                                     // (B = 1, T, C)
Tensor SplitHeads(Tensor t) => t.Reshape(1, T, heads, hs).Permute(0, 2, 1, 3);   // (B, T, C) → (B, H, T, d_k)
var qh = SplitHeads(wq.Forward(xb));
var kh = SplitHeads(wk.Forward(xb));
var vh = SplitHeads(wv.Forward(xb));
var headWeights = qh.MatMul(kh, transposeB: true).Scale(1f / MathF.Sqrt(hs)).Softmax(AttentionMaskSpec.CausalMask()); // (B, H, T, T)
var merged = headWeights.MatMul(vh).Permute(0, 2, 1, 3).Reshape(1, T, C);        // (B, H, T, d_k) → (B, T, H, d_k) → (B, T, C)
var mine = wo.Forward(merged);                                                   // (B, T, C)

var library = new MultiHeadAttention(new ModuleInit(backend, seed: 4), C, heads);
library.Eval(); // no dropout
foreach (var (from, to) in new[] { (wq, library.Query), (wk, library.Key), (wv, library.Value), (wo, library.OutProjection) })
{
    from.Weight.Span.CopyTo(to.Weight.Span);
    from.Bias?.Span.CopyTo(to.Bias!.Span);
}
var theirs = library.Forward(xb); // causal self-attention, (B, T, C)
Console.WriteLine();
Console.WriteLine($"4. Multi-head: {heads} heads of d_k = {hs}, concatenated to C = {C}, then out_proj; output (B = 1, T = {T}, C = {C}):");
Console.Write(Matrix(mine.Reshape(T, C), tokens, [.. Enumerable.Range(0, C).Select(c => $"y{c}")]));
Console.WriteLine($"   multi-head vs the library's MultiHeadAttention: max difference = {TensorChecks.MaxDifference(mine, theirs):0.0E+0}");
float[] hw = headWeights.ToArray();
Console.WriteLine($"   what \"{tokens[^1]}\" attends to, head 0: {string.Join(" ", Enumerable.Range(0, T).Select(j => hw[(T - 1) * T + j].ToString("F2")))}" +
    $"; head 1: {string.Join(" ", Enumerable.Range(0, T).Select(j => hw[(T * T) + (T - 1) * T + j].ToString("F2")))}");

// ------------------------------------------------------------------------------------------------ 5. a picture
string heatmap;
try
{
    var cells = new double[T, T];
    float[] cw = causal.ToArray();
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++) cells[i, j] = cw[i * T + j];
    heatmap = PngChart.Heatmap(Path.Combine(outDir, "05-attention-weights.png"),
        "Causal attention weights of one head (untrained)", "key (attended to)", "query (attending)", cells, "weight",
        columnLabels: tokens, rowLabels: tokens);
}
catch (InvalidOperationException e) // no font on this machine: one line with the fix
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
Console.WriteLine();
Console.WriteLine($"5. Picture: {heatmap}");

// ------------------------------------------------------------------------------------ 6. the cost of long contexts
// Every query scores every key: H score matrices of T × T per layer. Doubling the context quadruples them, in memory
// and, once they dominate, in time (the q, k, v and output projections grow only like T·C²; the scores like T²·C).
// Timed on a narrow layer (C = 128, 2 heads of GPT-2's head width 64) so the T² part shows from small T; forward only,
// no gradients. "materialized" writes the (1, H, T, T) scores and weights, as above; "fused" is the library's default
// kernel, which walks the keys in blocks and never stores a T × T matrix (FlashAttention): the arithmetic is still
// quadratic, the memory is not. The last column is the score memory of GPT-2 small (12 layers × 12 heads), which a
// training step keeps for the backward pass.
Console.WriteLine();
const int width = 128, timedHeads = 2;
Console.WriteLine($"6. The T × T cost: attention layer C = {width}, {timedHeads} heads of 64, one sequence, forward, best of 5");
var timed = new MultiHeadAttention(new ModuleInit(backend, seed: 5), width, timedHeads);
timed.Eval();
var cost = new TextTable("T", "scores per head (MB)", "materialized ms", "× previous", "fused ms", "GPT-2 small, 144 heads (MB)");
double previous = double.NaN;
using (GradMode.NoGrad())
{
    foreach (int t in (int[])[64, 128, 256, 512, 1024])
    {
        var input = Tensor.Randn(backend, seed: t, std: 1f, 1, t, width); // (1, T, C)
        timed.FusedAttention = false;
        double materialized = BestMilliseconds(() => timed.Forward(input));
        timed.FusedAttention = true;
        double fused = BestMilliseconds(() => timed.Forward(input));
        double perHead = (double)t * t * sizeof(float) / (1 << 20); // T × T float32 scores
        cost.Add($"{t}", $"{perHead:F3}", $"{materialized:F2}", double.IsNaN(previous) ? "" : $"{materialized / previous:F1}",
            $"{fused:F2}", $"{144 * perHead:F1}");
        previous = materialized;
    }
}
Console.Write(cost);
Console.WriteLine("   Memory grows 4× per doubling of T; time approaches 4× as the T² part takes over from the projections.");
return 0;

// ------------------------------------------------------------------------------------------------------ helpers
static double BestMilliseconds(Action run)
{
    run(); // warm-up: first-call JIT and buffer allocation
    double best = double.MaxValue;
    for (int i = 0; i < 5; i++)
    {
        var watch = Stopwatch.StartNew();
        run();
        best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
    }
    return best;
}

// A [rows, cols] tensor as a table, rows and columns named; −∞ printed as such; optionally each row's sum.
static string Matrix(Tensor m, string[] rowNames, string[] columnNames, bool rowSums = false)
{
    int cols = m.Shape[^1];
    float[] data = m.ToArray();
    var table = new TextTable([" ", .. columnNames, .. (rowSums ? (string[])["row sum"] : [])]);
    for (int i = 0; i < rowNames.Length; i++)
    {
        var row = Enumerable.Range(0, cols).Select(j => data[i * cols + j]).ToArray();
        table.Add([rowNames[i], .. row.Select(Cell), .. (rowSums ? (string[])[row.Sum().ToString("F4")] : [])]);
    }
    return string.Concat(table.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "   " + l + "\n"));
}

static string Cell(float value) => float.IsNegativeInfinity(value) ? "-∞" : value.ToString("F4");

static double MaxRowSumError(Tensor m)
{
    int cols = m.Shape[^1];
    float[] data = m.ToArray();
    return Enumerable.Range(0, data.Length / cols).Select(i => Math.Abs(data.AsSpan(i * cols, cols).ToArray().Sum(v => (double)v) - 1))
        .Aggregate(0.0, Math.Max);
}

static double UpperTriangleMax(Tensor m)
{
    int n = m.Shape[^1];
    float[] data = m.ToArray();
    double max = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) max = Math.Max(max, Math.Abs(data[i * n + j]));
    return max;
}
