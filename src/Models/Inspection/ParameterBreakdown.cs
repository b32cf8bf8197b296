using LlmForge.Autograd;
using LlmForge.Components;
using LlmForge.Layers;

namespace LlmForge.Inspection;

/// <summary>
/// One registered parameter: its dotted name, shape and element count. A tied tensor (GPT-2's out_head.weight, BERT's
/// MLM decoder) is listed where each module registered it, but counts only under the first name (<see cref="TiedTo"/>).
/// </summary>
/// <param name="Name">The dotted name ("trf_blocks.0.att.W_query.weight").</param>
/// <param name="Shape">The tensor's shape.</param>
/// <param name="Count">Its elements; 0 for a tied entry, whose elements are counted under <see cref="TiedTo"/>.</param>
/// <param name="TiedTo">The name the same tensor was first registered under, or null.</param>
public sealed record ParameterEntry(string Name, IReadOnlyList<int> Shape, long Count, string? TiedTo)
{
    /// <summary>Megabytes (MiB, 1024² bytes) of <see cref="Count"/> float32 values.</summary>
    public double Megabytes => ParameterBreakdown.Megabytes(Count);
}

/// <summary>A module of the tree: its dotted path ("" for the model), type, own parameters, children and subtotal.</summary>
/// <param name="Name">The dotted path ("trf_blocks.0.att"); "" for the model itself.</param>
/// <param name="Type">The module's class name ("MultiHeadAttention").</param>
/// <param name="Count">The parameters of this module and all below it (tied entries counted once, where first registered).</param>
/// <param name="Parameters">The parameters registered on this module itself.</param>
/// <param name="Children">The child modules, in registration order.</param>
public sealed record ModuleNode(string Name, string Type, long Count, IReadOnlyList<ParameterEntry> Parameters, IReadOnlyList<ModuleNode> Children);

/// <summary>
/// A subtotal of the step-by-step table: the embeddings, each block's attention, feed-forward (MLP) and norms, the
/// final norm, the head(s).
/// </summary>
/// <param name="Name">"embeddings", "trf_blocks.3.att", "trf_blocks.3.norms", "out_head"…</param>
/// <param name="Kind">embeddings, attention, mlp, norm, head or other: what the component is.</param>
/// <param name="Count">Its parameters (a tied weight counts where it was first registered: a tied head has 0).</param>
/// <param name="Parameters">The parameter names it gathers.</param>
public sealed record ComponentTotal(string Name, string Kind, long Count, IReadOnlyList<string> Parameters)
{
    /// <summary>Megabytes (MiB) of <see cref="Count"/> float32 values.</summary>
    public double Megabytes => ParameterBreakdown.Megabytes(Count);
}

/// <summary>
/// Where a model's parameters are: the module tree with every parameter's name, shape and count, and the subtotals of
/// the components a course counts step by step (GPT-2 124M: 163,009,536 untied, 124,439,808 with the head tied to the
/// token embedding). Built from the module tree alone, so any model (GPT, BERT, a user's) gets one; the components
/// are the top-level children (token and position embeddings gathered as "embeddings") and, inside a list of blocks,
/// each block's children (its norms gathered as "norms").
/// </summary>
public sealed class ParameterBreakdown
{
    private ParameterBreakdown(ModuleNode root, IReadOnlyList<ParameterEntry> parameters, IReadOnlyList<ComponentTotal> components)
    {
        Root = root;
        Parameters = parameters;
        Components = components;
    }

    /// <summary>The module tree, the model at its root.</summary>
    public ModuleNode Root { get; }

    /// <summary>Every registered parameter in tree order, tied entries included (with a count of 0).</summary>
    public IReadOnlyList<ParameterEntry> Parameters { get; }

    /// <summary>The components in model order; their counts sum to <see cref="Total"/>.</summary>
    public IReadOnlyList<ComponentTotal> Components { get; }

    /// <summary>All parameters, tied ones once: <see cref="Module.ParameterCount"/>.</summary>
    public long Total => Root.Count;

    /// <summary>Megabytes (MiB) of the float32 parameters.</summary>
    public double TotalMegabytes => Megabytes(Total);

    /// <summary>The components' counts summed per kind (embeddings, attention, mlp, norm, head, other), in first-seen order.</summary>
    public IReadOnlyList<(string Kind, long Count)> ByKind() =>
        Components.GroupBy(c => c.Kind).Select(g => (g.Key, g.Sum(c => c.Count))).ToArray();

    /// <summary>MiB of <paramref name="count"/> float32 values: count · 4 / 1024².</summary>
    public static double Megabytes(long count) => count * 4.0 / (1024 * 1024);

    /// <summary>The breakdown of <paramref name="model"/>'s parameters.</summary>
    public static ParameterBreakdown Of(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var firstName = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        var entries = new List<ParameterEntry>();
        var root = Node("", model, firstName, entries);

        var components = new List<ComponentTotal>();
        var byName = entries.ToDictionary(e => e.Name);
        Add(components, model.GetType().Name, "other", model.DirectParameters().Select(p => p.Name), byName);
        foreach (var (name, child) in model.NamedChildren())
        {
            if (IsModuleList(child))
            {
                foreach (var (index, block) in child.NamedChildren())
                {
                    string prefix = $"{name}.{index}";
                    Add(components, prefix, "other", ParameterNames(block, prefix, ownOnly: true), byName);
                    foreach (var (part, module) in block.NamedChildren())
                    {
                        string kind = KindOf(module, topLevel: false);
                        string group = kind == "norm" ? $"{prefix}.norms" : $"{prefix}.{part}";
                        Add(components, group, kind, ParameterNames(module, $"{prefix}.{part}", ownOnly: false), byName);
                    }
                }
                continue;
            }
            string childKind = KindOf(child, topLevel: true);
            Add(components, childKind == "embeddings" ? "embeddings" : name, childKind, ParameterNames(child, name, ownOnly: false), byName);
        }
        return new ParameterBreakdown(root, entries, components);
    }

    private static ModuleNode Node(string path, Module module, Dictionary<Tensor, string> firstName, List<ParameterEntry> entries)
    {
        var own = new List<ParameterEntry>();
        foreach (var (local, tensor) in module.DirectParameters())
        {
            string name = Join(path, local);
            var entry = firstName.TryGetValue(tensor, out var first)
                ? new ParameterEntry(name, tensor.Shape.ToArray(), 0, first)
                : new ParameterEntry(name, tensor.Shape.ToArray(), tensor.Length, null);
            firstName.TryAdd(tensor, name);
            own.Add(entry);
            entries.Add(entry);
        }
        var children = module.NamedChildren().Select(c => Node(Join(path, c.Name), c.Module, firstName, entries)).ToArray();
        long count = own.Sum(p => p.Count) + children.Sum(c => c.Count);
        return new ModuleNode(path, TypeName(module.GetType()), count, own, children);
    }

    /// <summary>
    /// Adds the parameters <paramref name="names"/> to the component <paramref name="group"/> (merging with one of the
    /// same name, as a block's two norms or GPT's two embeddings); a component without parameters is left out.
    /// </summary>
    private static void Add(List<ComponentTotal> components, string group, string kind, IEnumerable<string> names,
        Dictionary<string, ParameterEntry> byName)
    {
        var list = names.ToList();
        if (list.Count == 0) return;
        long count = list.Sum(n => byName[n].Count);
        int at = components.FindIndex(c => c.Name == group);
        if (at < 0) components.Add(new ComponentTotal(group, kind, count, list));
        else components[at] = components[at] with { Count = components[at].Count + count, Parameters = [.. components[at].Parameters, .. list] };
    }

    private static IEnumerable<string> ParameterNames(Module module, string prefix, bool ownOnly) => ownOnly
        ? module.DirectParameters().Select(p => Join(prefix, p.Name))
        : module.NamedModules().SelectMany(m => m.Module.DirectParameters().Select(p => Join(Join(prefix, m.Name), p.Name)));

    private static string KindOf(Module module, bool topLevel) => module switch
    {
        Embedding or IPositionalEncoding or Bert.BertEmbeddings => "embeddings",
        IAttention => "attention",
        IFeedForward => "mlp",
        INormalization => "norm",
        _ => topLevel ? "head" : "other", // after the embeddings and the blocks: out_head, pooler, mlm_head, classifier
    };

    /// <summary>A class name as C# writes it: ModuleList&lt;TransformerBlock&gt;, not ModuleList`1.</summary>
    private static string TypeName(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>"
        : type.Name;

    private static bool IsModuleList(Module module) =>
        module.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(ModuleList<>);

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : name.Length == 0 ? prefix : prefix + "." + name;
}
