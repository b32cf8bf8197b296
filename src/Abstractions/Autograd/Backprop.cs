namespace LlmForge.Autograd;

/// <summary>
/// Reverse-mode differentiation over the recorded graph: order the nodes so every output comes before its
/// inputs, then run each node's closure. Iterative (a 12-layer GPT step is thousands of nodes deep).
/// </summary>
internal static class Backprop
{
    public static void Run(Tensor root, ReadOnlySpan<float> seed)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException(
                $"Backward: {root.Describe()} does not require grad: none of its inputs has RequiresGrad = true, " +
                "or it was computed inside GradMode.NoGrad().");
        if (root.GradFn is { IsReleased: true })
            throw SecondBackward(root);

        var order = TopologicalOrder(root);
        root.Backend.Axpy(1f, seed, root.GradBuffer());

        // Outputs before inputs. An intermediate's gradient is complete when its turn comes; after its
        // closure has run, neither the gradient nor the node is needed again: free both.
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            var node = t.GradFn!;
            if (t.Grad is not null)
            {
                node.Run(t.Grad);
                TensorArena.Release(t.Grad);
            }
            node.Release();
            t.Grad = null;
        }
    }

    /// <summary>Every non-leaf tensor reachable from root through inputs that require grad, inputs first (post-order).</summary>
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        if (root.GradFn is null) return order;
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance) { root };
        var stack = new Stack<(Tensor Tensor, int NextInput)>();
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn!.InputArray;
            bool descended = false;
            while (next < inputs.Length)
            {
                var input = inputs[next++];
                if (!input.RequiresGrad || input.GradFn is null || !visited.Add(input)) continue;
                if (input.GradFn.IsReleased) throw SecondBackward(input);
                stack.Push((t, next));
                stack.Push((input, 0));
                descended = true;
                break;
            }
            if (!descended) order.Add(t);
        }
        return order;
    }

    private static InvalidOperationException SecondBackward(Tensor t) => new(
        $"Backward: {t.Describe()} (from {t.GradFn!.Op}) was already back-propagated through, and its graph freed; " +
        "run the forward pass again to get a new graph.");
}
