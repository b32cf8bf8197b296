using LlmForge.Cli.Commands.Bench.Workloads;
using static TorchSharp.torch;

namespace TorchSharpPeer;

/// <summary>
/// <c>--self-check</c>: evidence that the peer computes what it claims. Parameter counts against the published
/// ones (GPT-2 small 124,439,808; BERT-base without the pooler 108,891,648), and greedy tokens with the KV cache
/// equal to greedy tokens recomputed from the whole context.
/// </summary>
internal static class SelfCheck
{
    public static int Run(IReadOnlyList<Workload> workloads)
    {
        bool ok = true;
        foreach (var w in workloads.DistinctBy(w => w.Model))
        {
            using nn.Module model = w.Model.Architecture == "bert" ? new Bert(w.Model) : new Gpt(w.Model);
            long count = model.parameters().Sum(p => p.numel());
            Console.WriteLine($"{w.Name}: {w.Model.Architecture} with {count:N0} parameters");
        }
        var gpt2 = workloads.FirstOrDefault(w => w.Name == "generate-gpt2");
        if (gpt2 is not null) ok &= CachedEqualsRecomputed(gpt2.Model with { ContextLength = 64, Layers = 2, TieWeights = false }, prompt: 5, newTokens: 20);
        return ok ? 0 : 1;
    }

    private static bool CachedEqualsRecomputed(WorkloadModel config, int prompt, int newTokens)
    {
        manual_seed(7);
        using var model = new Gpt(config);
        model.eval();
        using var mode = inference_mode();
        var ids = randint(config.VocabSize, [1, prompt], dtype: ScalarType.Int64);

        var recomputed = new List<long>();
        var context = ids;
        for (int i = 0; i < newTokens; i++)
        {
            var next = model.Forward(context).select(1, context.shape[1] - 1).argmax(-1, keepdim: true); // (1, 1)
            recomputed.Add(next.item<long>());
            context = cat([context, next], 1);
        }

        var cached = new List<long>();
        using var cache = model.NewCache(1, prompt + newTokens);
        var input = ids;
        long position = 0;
        for (int i = 0; i < newTokens; i++)
        {
            var next = model.ForwardLast(input, cache, position).argmax(-1, keepdim: true);
            cached.Add(next.item<long>());
            position += input.shape[1];
            input = next;
        }
        bool same = cached.SequenceEqual(recomputed);
        Console.WriteLine($"KV cache vs recompute, {newTokens} greedy tokens: {(same ? "identical" : "DIFFERENT")} ({string.Join(" ", cached)})");
        return same;
    }
}
