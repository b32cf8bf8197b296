using LlmForge.Cli.Commands.Bench.Workloads;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TorchSharpPeer;

/// <summary>
/// The standard workloads in TorchSharp, each returning the step that is timed. Every step runs in its own
/// DisposeScope, so its temporaries go back to libtorch at once (as TorchSharp recommends) instead of waiting for
/// the GC's finalizers.
/// </summary>
internal static class PeerWorkloads
{
    private const int Seed = 1234;

    private static long Parameters(nn.Module model) => model.parameters().Sum(p => p.numel());

    public static Action Prepare(Workload workload, Action<string> progress) => workload.Kind switch
    {
        _ when workload.Model.Architecture == "llama" =>
            throw new NotSupportedException($"workload '{workload.Name}': the TorchSharp peer has no llama model (GPT-2 and BERT only)"),
        WorkloadKind.Train => Train(workload, progress),
        WorkloadKind.Generate => Generate(workload, progress),
        WorkloadKind.Encode => Encode(workload, progress),
        _ => throw new NotSupportedException($"workload kind {workload.Kind} has no benchmark"),
    };

    /// <summary>forward + cross-entropy + backward + AdamW step + zero-grad; matrices and embeddings decayed (nanoGPT's groups).</summary>
    private static Action Train(Workload workload, Action<string> progress)
    {
        var spec = workload.Optimizer ?? throw new ArgumentException($"workload '{workload.Name}' has no optimizer");
        manual_seed(Seed);
        var model = new Gpt(workload.Model);
        model.train();
        progress($"gpt with {Parameters(model):N0} parameters");
        var parameters = model.parameters().ToList();
        var groups = new[]
        {
            new AdamW.ParamGroup(parameters.Where(p => p.dim() >= 2), spec.LearningRate, spec.Beta1, spec.Beta2, 1e-8, spec.WeightDecay, false, false),
            new AdamW.ParamGroup(parameters.Where(p => p.dim() < 2), spec.LearningRate, spec.Beta1, spec.Beta2, 1e-8, 0, false, false),
        };
        var optimizer = optim.AdamW(groups, spec.LearningRate, spec.Beta1, spec.Beta2);
        long batch = workload.BatchSize, seq = workload.SeqLen;
        var ids = randint(model.Vocab, [batch, seq], dtype: ScalarType.Int64);     // (B, T)
        var targets = randint(model.Vocab, [batch, seq], dtype: ScalarType.Int64); // (B, T)
        return () =>
        {
            using var scope = NewDisposeScope();
            var logits = model.Forward(ids);                                      // (B, T, vocab)
            var loss = F.cross_entropy(logits.view(-1, model.Vocab), targets.view(-1));
            loss.backward();
            optimizer.step();
            optimizer.zero_grad();
        };
    }

    /// <summary>Greedy decoding with a KV cache: the prompt in one pass, then one token per pass.</summary>
    private static Action Generate(Workload workload, Action<string> progress)
    {
        manual_seed(Seed);
        var model = new Gpt(workload.Model);
        model.eval();
        progress($"gpt with {Parameters(model):N0} parameters; method: KV cache (greedy, head on the last position only)");
        var prompt = randint(model.Vocab, [1, workload.PromptTokens], dtype: ScalarType.Int64); // (1, T)
        int newTokens = workload.NewTokens;
        return () =>
        {
            using var mode = inference_mode();
            using var scope = NewDisposeScope();
            using var cache = model.NewCache(1, workload.PromptTokens + newTokens);
            long position = 0;
            var input = prompt;
            for (int i = 0; i < newTokens; i++)
            {
                using var step = NewDisposeScope();
                var next = model.ForwardLast(input, cache, position).argmax(-1, keepdim: true); // (1, 1)
                position += input.shape[1];
                input = step.MoveToOuter(next);
            }
        };
    }

    /// <summary>One encoder forward pass in inference mode, token types all 0.</summary>
    private static Action Encode(Workload workload, Action<string> progress)
    {
        manual_seed(Seed);
        var model = new Bert(workload.Model);
        model.eval();
        progress($"bert with {Parameters(model):N0} parameters");
        long batch = workload.BatchSize, seq = workload.SeqLen;
        var ids = randint(workload.Model.VocabSize, [batch, seq], dtype: ScalarType.Int64); // (B, T)
        var types = zeros([batch, seq], dtype: ScalarType.Int64);
        return () =>
        {
            using var mode = inference_mode();
            using var scope = NewDisposeScope();
            model.Forward(ids, types);
        };
    }
}
