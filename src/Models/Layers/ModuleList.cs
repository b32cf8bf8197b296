namespace LlmForge.Layers;

/// <summary>
/// Modules held in order under the names "0", "1", …, like <c>torch.nn.ModuleList</c>: for layers whose
/// Forward takes more than one tensor (a BERT block also takes the attention mask), which a
/// <see cref="Sequential"/> cannot chain.
/// </summary>
public sealed class ModuleList<T> : Module where T : Module
{
    private readonly List<T> modules = [];

    public ModuleList(params IEnumerable<T> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var module in modules)
        {
            RegisterModule(this.modules.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
            this.modules.Add(module);
        }
    }

    public int Count => modules.Count;

    public T this[int index] => modules[index];

    public IReadOnlyList<T> Items => modules;
}
