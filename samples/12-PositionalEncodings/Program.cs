// Learn 12 — Positional encodings.
//
// Attention compares every token with every other by dot products, and a dot product does not care in which order the
// tokens came: without help, "dog bites man" and "man bites dog" look the same to it. A positional encoding gives the
// model the order. Three ways, all in LlmForge.Layers:
//   learned     GPT-2: a trained table wpe [context, C] added to the token embeddings (LearnedPositionalEncoding);
//   sinusoidal  the original transformer: a fixed table of sines and cosines, added the same way;
//   rotary      RoFormer / Llama: nothing added; q and k of every head are turned by an angle that grows with the
//               position, inside attention.
// This sample checks numerically the two properties that motivate the fixed ones, and draws the sinusoidal table.
//
// Usage: dotnet run -c Release --project samples/12-PositionalEncodings [-- OUTDIR]   (PNGs in samples/out/ by default)
using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Layers;
using LlmForge.Plotting;
using LlmForge.Samples;

const int positions = 128, width = 64;  // a small table: 128 positions of a 64-wide model
var init = new ModuleInit(new ManagedBackend(), seed: 0);
string outDir = SampleFiles.OutputDirectory(args);

// ---------------------------------------------------------------------------------------------------- 1. learned
// A learned table is parameters like any other: it starts random and means nothing until trained, costs context × C
// numbers, and has no row for a position past the context it was built for.
var learned = new LearnedPositionalEncoding(init, positions, width);
var sinusoidal = new SinusoidalPositionalEncoding(init, positions, width);
const int headDim = 16;
var rotary = new RotaryPositionalEncoding(init, positions, headDim);
Console.WriteLine($"1. Parameters to learn: learned {learned.ParameterCount():N0} ({positions}×{width}), sinusoidal {sinusoidal.ParameterCount()}, rotary {rotary.ParameterCount()}");
float[] wpe = learned.Weight.ToArray();
double mean = wpe.Average(v => (double)v), std = Math.Sqrt(wpe.Average(v => (v - mean) * (v - mean)));
Console.WriteLine($"   learned table before training: mean {mean:F4}, std {std:F4} (GPT-2's N(0, 0.02²) init: noise, no order yet)");
try { learned.EncodeEmbeddings(Tensor.Zeros(init.Backend, 1, 4, width), startPosition: positions - 2); }
catch (ArgumentException e) { Console.WriteLine($"   4 tokens from position {positions - 2}: {e.Message}"); }

// ------------------------------------------------------------------------------- 2. sinusoidal: relative positions
// PE[p, 2i] = sin(ω_i·p), PE[p, 2i+1] = cos(ω_i·p), ω_i = 10000^(−2i/C). By the angle-sum formulas each pair at p + k
// is the pair at p turned by the angle ω_i·k:
//     [sin ω(p+k)]   [ cos ωk   sin ωk] [sin ωp]
//     [cos ω(p+k)] = [−sin ωk   cos ωk] [cos ωp]
// so PE(p + k) = M_k · PE(p) with M_k block-diagonal and independent of p: "k positions later" is one fixed linear
// map, which a layer can learn once for every p. Checked here on the library's table, for every p and several k.
Console.WriteLine();
Console.WriteLine("2. Sinusoidal: PE(p + k) = M_k · PE(p), M_k a fixed block rotation (the same for every p)");
float[] table = sinusoidal.Table(0, positions).ToArray();           // [positions, width], row p = PE(p)
double Pe(int p, int d) => table[p * width + d];
double worstLinearity = 0;
foreach (int k in (int[])[1, 5, 17, 64])
{
    double maxError = 0;
    for (int p = 0; p + k < positions; p++)
        for (int i = 0; i < width / 2; i++)
        {
            double omega = Math.Pow(SinusoidalPositionalEncoding.Base, -2.0 * i / width);
            double c = Math.Cos(omega * k), s = Math.Sin(omega * k);
            double sinNext = c * Pe(p, 2 * i) + s * Pe(p, 2 * i + 1);    // row 2i of M_k · PE(p)
            double cosNext = -s * Pe(p, 2 * i) + c * Pe(p, 2 * i + 1);   // row 2i + 1
            maxError = Math.Max(maxError, Math.Max(Math.Abs(sinNext - Pe(p + k, 2 * i)), Math.Abs(cosNext - Pe(p + k, 2 * i + 1))));
        }
    Console.WriteLine($"   k = {k,2}: max |M_k·PE(p) − PE(p+k)| over all p = {maxError:0.0E+0}");
    worstLinearity = Math.Max(worstLinearity, maxError);
}
Console.WriteLine($"   sinusoidal linearity max error = {worstLinearity:0.0E+0} (float32 table)");
// A consequence: PE(p)·PE(p+k) = Σ_i cos(ω_i·k) depends on the distance k only.
Console.WriteLine($"   PE(p)·PE(p+3) at p = 0, 40, 90: {Dot(0, 3):F4}, {Dot(40, 3):F4}, {Dot(90, 3):F4}");
double Dot(int p, int k) { double sum = 0; for (int d = 0; d < width; d++) sum += Pe(p, d) * Pe(p + k, d); return sum; }

// ------------------------------------------------------------------------------------- 3. rotary: shift invariance
// Rotary turns pair (x_i, x_{i+hs/2}) of q at position m by m·θ_i and of k at n by n·θ_i. Rotations compose, and
// R(mθ)ᵀR(nθ) = R((n − m)θ), so q·k sees only n − m: moving both tokens by s changes nothing.
Console.WriteLine();
Console.WriteLine($"3. Rotary (head dim {headDim}): q·k with q at m and k at n equals q·k at m + s and n + s");
var q = Tensor.Randn(init.Backend, seed: 1, std: 1f, 1, 1, 1, headDim);   // (B, heads, T = 1, hs)
var k1 = Tensor.Randn(init.Backend, seed: 2, std: 1f, 1, 1, 1, headDim);
double RotaryScore(int m, int n)
{
    float[] qm = rotary.EncodeQueryKey(q, startPosition: m).ToArray(), kn = rotary.EncodeQueryKey(k1, startPosition: n).ToArray();
    double sum = 0;
    for (int d = 0; d < headDim; d++) sum += qm[d] * kn[d];
    return sum;
}
double worstShift = 0;
var rng = new Random(3);
for (int trial = 0; trial < 200; trial++)
{
    int m = rng.Next(positions / 2), n = rng.Next(positions / 2), shift = rng.Next(positions / 2);
    worstShift = Math.Max(worstShift, Math.Abs(RotaryScore(m, n) - RotaryScore(m + shift, n + shift)));
}
Console.WriteLine($"   q·k at (m, n) = (2, 7): {RotaryScore(2, 7):F4}; at (52, 57): {RotaryScore(52, 57):F4}; at (2, 8): {RotaryScore(2, 8):F4} (another distance)");
Console.WriteLine($"   rotary shift invariance max error over 200 random (m, n, s) = {worstShift:0.0E+0}");

// ------------------------------------------------------------------------------------------------------ 4. pictures
// The heat map shows the fast dimensions (left, short wavelengths) and the slow ones (right, nearly constant over 128
// positions): each position gets a distinct pattern, like the digits of a number in a base that varies smoothly.
var cells = new double[positions, width];
for (int p = 0; p < positions; p++)
    for (int d = 0; d < width; d++) cells[p, d] = Pe(p, d);
string heatmap, lines;
try
{
    heatmap = PngChart.Heatmap(Path.Combine(outDir, "12-sinusoidal-table.png"),
        $"Sinusoidal positional encoding ({positions} positions × {width} dims)", "dimension", "position", cells, "PE value");
    int[] dims = [4, 5, 16, 32, 48]; // 4 and 5: the sin and cos of one frequency; then slower and slower
    var curves = dims.Select(d => new LineSeries($"dim {d}", Enumerable.Range(0, positions).Select(p => (double)p).ToArray(),
        Enumerable.Range(0, positions).Select(p => Pe(p, d)).ToArray())).ToList();
    lines = PngChart.Lines(Path.Combine(outDir, "12-sinusoidal-dims.png"),
        "Sinusoidal encoding: a few dimensions over positions", "position", "PE value", curves);
}
catch (InvalidOperationException e) // no font on this machine: one line with the fix
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
Console.WriteLine();
Console.WriteLine($"4. Pictures: {heatmap}");
Console.WriteLine($"             {lines}");
return 0;
