// Learn 7 — GPT, counted.
//
// "124M" is GPT-2 small's size, yet the course's model built from the same numbers has 163M parameters. Both are
// right: the difference is two choices, whether the output head shares the token embedding's matrix (weight tying)
// and whether the q/k/v projections have biases. This sample counts GPT-2 small component by component from its
// configuration (GptParameterShapes lists every parameter's name and shape without allocating anything), checks the
// totals against models actually built on the managed backend, turns them into memory, and runs the same code over
// the GPT-2 family and GPT-3.
//
// Usage: dotnet run -c Release --project samples/07-Gpt      (prints only; no pictures)
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Plotting;

// ------------------------------------------------------------------------------------- 1. GPT-2 small, step by step
// The course's configuration: vocabulary 50,257, context 1,024, width C = 768, 12 layers of 12 heads, no qkv bias,
// and an output head of its own.
var course = GptConfig.Gpt2Small with { QkvBias = false, TieWeights = false };
Console.WriteLine($"1. GPT-2 small as the course builds it: vocab {course.VocabSize:N0}, context {course.ContextLength:N0}, " +
    $"C = {course.EmbeddingDim}, {course.Layers} layers × {course.Heads} heads, qkv bias {course.QkvBias}, tied head {course.TieWeights}");
var shapes = GptParameterShapes.Of(course).ToList();
long Size(int[] shape) => shape.Aggregate(1L, (n, d) => n * d);
long Sum(Func<string, bool> which) => shapes.Where(p => which(p.Name)).Sum(p => Size(p.Shape));
string Shapes(Func<string, bool> which) => string.Join(" + ", shapes.Where(p => which(p.Name)).Select(p => $"[{string.Join("×", p.Shape)}]"));
// One block's parts, from block 0's names (every block has the same shapes).
bool Block0(string name, string part) => name.StartsWith($"trf_blocks.0.{part}", StringComparison.Ordinal);
var perBlock = new (string Part, Func<string, bool> Which, string Why)[]
{
    ("attention q, k, v", n => Block0(n, "att.W_"), "three C×C projections (+ biases when qkv_bias)"),
    ("attention output", n => Block0(n, "att.out_proj"), "C×C + bias: heads merged back to C"),
    ("feed-forward", n => Block0(n, "ff."), "C→4C→C, each with a bias"),
    ("two LayerNorms", n => Block0(n, "norm"), "scale and shift of C each"),
};
long block = perBlock.Sum(p => Sum(p.Which));
var table = new TextTable("component", "shapes", "parameters", "why");
table.Add("token embedding", Shapes(n => n == "tok_emb.weight"), $"{Sum(n => n == "tok_emb.weight"):N0}", "a row of C per token id");
table.Add("position embedding", Shapes(n => n == "pos_emb.weight"), $"{Sum(n => n == "pos_emb.weight"):N0}", "a row of C per position");
foreach (var (part, which, why) in perBlock) table.Add($"  block: {part}", Shapes(which), $"{Sum(which):N0}", why);
table.Add($"  one block", "", $"{block:N0}", "");
table.Add($"all {course.Layers} blocks", $"{course.Layers} × {block:N0}", $"{Sum(n => n.StartsWith("trf_blocks.", StringComparison.Ordinal)):N0}", "");
table.Add("final LayerNorm", Shapes(n => n.StartsWith("final_norm", StringComparison.Ordinal)), $"{Sum(n => n.StartsWith("final_norm", StringComparison.Ordinal)):N0}", "");
table.Add("output head", Shapes(n => n == "out_head.weight"), $"{Sum(n => n == "out_head.weight"):N0}", "C → a logit per token id");
long untied = shapes.Sum(p => Size(p.Shape));
table.Add("total", "", $"{untied:N0}", "");
Console.Write(table);

// ----------------------------------------------------------------------------------- 2. tying, biases and memory
// Tying reuses the token embedding as the output head (logits = h · Eᵀ): 50,257 × 768 = 38.6M parameters fewer.
// The original GPT-2 ties and has qkv biases; those two settings give the famous 124M.
Console.WriteLine();
Console.WriteLine("2. Which settings give which total (fp32: 4 bytes a parameter; MB = 2^20 bytes)");
var settings = new TextTable("qkv bias", "tied head", "parameters", "fp32 MB");
foreach (bool bias in (bool[])[false, true])
    foreach (bool tied in (bool[])[false, true])
    {
        long count = GptParameterShapes.Count(GptConfig.Gpt2Small with { QkvBias = bias, TieWeights = tied });
        settings.Add(bias ? "yes" : "no", tied ? "yes" : "no", $"{count:N0}", $"{count * 4 / 1048576.0:N2}");
    }
Console.Write(settings);
var gpt2 = GptConfig.Gpt2Small; // the original: qkv biases and a tied head
Console.WriteLine($"   untied without qkv bias: {GptParameterShapes.Count(course):N0}; tied with qkv bias (OpenAI's GPT-2): {GptParameterShapes.Count(gpt2):N0}");
Console.WriteLine("   Training needs more than the weights: a gradient of the same size and AdamW's two moments make 4× the fp32 MB.");

// A count from shapes is only as good as its agreement with the real model: build both on the managed backend
// (random weights, no training) and ask the modules themselves.
var backend = new ManagedBackend();
foreach (var config in (GptConfig[])[course, gpt2])
{
    long built = new GptModel(config, backend, seed: 0).ParameterCount();
    Console.WriteLine($"   built on the managed backend (qkv bias {config.QkvBias}, tied {config.TieWeights}): {built:N0} parameters, " +
        $"{(built == GptParameterShapes.Count(config) ? "the same as counted" : "DIFFERENT from the count")}");
    GC.Collect();
}

// ---------------------------------------------------------------------------------------------- 3. the family
// The same code for every size: only layers, heads, width and context change. GPT-3 175B (Brown et al., 2020) is the
// same architecture scaled up (96 layers of 96 heads, C = 12,288, context 2,048; it alternates dense and sparse
// attention, which changes no parameter count).
Console.WriteLine();
Console.WriteLine("3. GPT-2 and GPT-3 sizes by the same code (tied head, qkv biases, as released)");
var gpt3 = new GptConfig { Layers = 96, Heads = 96, EmbeddingDim = 12288, ContextLength = 2048 };
var family = new TextTable("model", "layers", "heads", "width", "context", "parameters", "fp32 GB");
foreach (var (name, config) in (ReadOnlySpan<(string, GptConfig)>)[("GPT-2 small", GptConfig.Gpt2Small), ("GPT-2 medium", GptConfig.Gpt2Medium),
             ("GPT-2 large", GptConfig.Gpt2Large), ("GPT-2 XL", GptConfig.Gpt2XL), ("GPT-3", gpt3)])
{
    long count = GptParameterShapes.Count(config);
    family.Add(name, $"{config.Layers}", $"{config.Heads}", $"{config.EmbeddingDim:N0}", $"{config.ContextLength:N0}", $"{count:N0}",
        $"{count * 4 / 1073741824.0:N2}");
}
Console.Write(family);
