using LlmForge.Autograd;

namespace LlmForge.Layers;

/// <summary>
/// The base of every layer, like <c>torch.nn.Module</c>: a tree of named sub-modules and parameters.
/// A parameter's full name is the path to it, "trf_blocks.0.att.W_query.weight"; those names are a
/// public contract (checkpoints, optimizer groups, snapshot tests). Each module has its own typed
/// <c>Forward</c>; the base class holds no forward of its own.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Parameter)> parameters = [];
    private readonly List<(string Name, Module Module)> children = [];

    /// <summary>
    /// Training mode (the default) or evaluation mode; only dropout looks at it.
    /// Set for the whole tree by <see cref="Train"/> and <see cref="Eval"/>.
    /// </summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Registers <paramref name="module"/> as the child <paramref name="name"/> and returns it.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckNewName(name);
        if (ReferenceEquals(module, this))
            throw new ArgumentException($"RegisterModule: '{name}' cannot register a module as its own child.", nameof(module));
        children.Add((name, module));
        return module;
    }

    /// <summary>
    /// Registers a component built by a kind (an attention, a positional encoding, a norm) as the child
    /// <paramref name="name"/> and returns it. The contracts live in LlmForge.Abstractions and know nothing of
    /// modules, so this checks what a factory returned is one: its parameters must join the tree.
    /// </summary>
    protected T RegisterComponent<T>(string name, T component) where T : class
    {
        ArgumentNullException.ThrowIfNull(component);
        if (component is not Module module)
            throw new ArgumentException(
                $"{GetType().Name}: component '{name}' is a {component.GetType().Name}, which must derive from LlmForge.Layers.Module so its parameters are registered.",
                nameof(component));
        RegisterModule(name, module);
        return component;
    }

    /// <summary>
    /// Registers the leaf <paramref name="parameter"/> under <paramref name="name"/>, marks it trainable and
    /// names it (if it has no name yet), and returns the same tensor. Registering one tensor in two places
    /// (weight tying) is allowed; <see cref="NamedParameters"/> then lists it once, under its first name.
    /// </summary>
    protected Tensor RegisterParameter(string name, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        CheckNewName(name);
        if (!parameter.IsLeaf)
            throw new ArgumentException(
                $"RegisterParameter: '{name}' must be a leaf tensor, not the output of {parameter.GradFn!.Op}.", nameof(parameter));
        parameter.RequiresGrad = true;
        parameter.Name ??= name;
        parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>The direct children, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => children;

    /// <summary>This module ("") and every descendant with its dotted path, depth first in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var stack = new Stack<(string Name, Module Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            var (name, module) = stack.Pop();
            yield return (name, module);
            for (int i = module.children.Count - 1; i >= 0; i--)
            {
                var (childName, child) = module.children[i];
                stack.Push((Join(name, childName), child));
            }
        }
    }

    /// <summary>
    /// Every parameter with its dotted path ("trf_blocks.0.norm1.scale"), in registration order. A tensor
    /// registered twice (tied weights) appears once, under the first name, as torch's named_parameters().
    /// </summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in NamedModules())
            foreach (var (name, parameter) in module.parameters)
                if (seen.Add(parameter))
                    yield return (Join(prefix, name), parameter);
    }

    /// <summary>
    /// The parameters registered on this module itself (not its children's), with their local names ("weight"), in
    /// registration order; a tied tensor is listed by every module that registered it (<see cref="NamedParameters"/>
    /// lists it once).
    /// </summary>
    public IEnumerable<(string Name, Tensor Parameter)> DirectParameters() => parameters;

    /// <summary>The distinct parameters, in the order of <see cref="NamedParameters"/>.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Total elements over the distinct parameters (tied weights counted once).</summary>
    public long ParameterCount() => Parameters().Sum(p => p.Length);

    /// <summary>The parameter at <paramref name="name"/>; the error lists a few valid names.</summary>
    public Tensor GetParameter(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var (prefix, module) in NamedModules())
            foreach (var (local, parameter) in module.parameters)
                if (Join(prefix, local) == name)
                    return parameter;
        var some = string.Join(", ", NamedParameters().Take(4).Select(p => p.Name));
        throw new KeyNotFoundException($"{GetType().Name} has no parameter '{name}' (it has e.g. {some}).");
    }

    /// <summary>Training mode for this module and every descendant (dropout on).</summary>
    public Module Train(bool training = true)
    {
        foreach (var (_, module) in NamedModules())
            module.IsTraining = training;
        return this;
    }

    /// <summary>Evaluation mode for this module and every descendant (dropout off), as <c>model.eval()</c>.</summary>
    public Module Eval() => Train(false);

    /// <summary>Zeroes every parameter's gradient in place.</summary>
    public void ZeroGrad()
    {
        foreach (var parameter in Parameters())
            parameter.ZeroGrad();
    }

    private void CheckNewName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: a module or parameter name must be non-empty without '.', got '{name}'.",
                nameof(name));
        if (parameters.Exists(p => p.Name == name) || children.Exists(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name}: the name '{name}' is already registered.", nameof(name));
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
