using LlmForge.Autograd;
using LlmForge.Gpt;

namespace LlmForge.Tests.Generation;

/// <summary>Greedy decoding computed the slow, obvious way, for the generator and the <c>generate</c> command to match.</summary>
internal static class GreedyReference
{
    /// <summary>The reference: argmax of a full forward of the (cropped) sequence, one step at a time.</summary>
    public static int[] IndependentGreedy(GptModel model, int[] prompt, int newTokens)
    {
        model.Eval();
        var ids = new List<int>(prompt);
        for (int step = 0; step < newTokens; step++)
        {
            int[] context = ids.Skip(Math.Max(0, ids.Count - model.Config.ContextLength)).ToArray();
            Tensor logits;
            using (GradMode.NoGrad()) logits = model.Forward(context, 1, context.Length);
            int vocab = logits.Shape[2], offset = (context.Length - 1) * vocab, best = 0;
            for (int v = 1; v < vocab; v++)
                if (logits.Data[offset + v] > logits.Data[offset + best]) best = v;
            ids.Add(best);
        }
        return [.. ids.Skip(prompt.Length)];
    }
}
