using System.Reflection;

// The public API surface of the four library packages, by reflection over the assemblies this project references
// (built in the configuration it runs in): for each assembly, one line per namespace listing its public types,
// sorted by name. Nested public types are written Outer.Inner, generic ones Name<T>. Loading the MKL assembly does
// not load MKL itself (that happens when an MklBackend is created), so this runs on any machine.
//
//   dotnet run -c Release --project tools/api/PublicApi [-- --markdown]

string[] assemblies = ["LlmForge.Abstractions", "LlmForge.Backends.Managed", "LlmForge.Backends.Mkl", "LlmForge.Models"];
bool markdown = args.Contains("--markdown");
int total = 0;
foreach (string name in assemblies)
{
    var types = Assembly.Load(name).GetExportedTypes();
    total += types.Length;
    Console.WriteLine(markdown ? $"### {name} ({types.Length} public types)" : $"{name} ({types.Length} public types)");
    foreach (var ns in types.GroupBy(t => t.Namespace ?? "(global)").OrderBy(g => g.Key, StringComparer.Ordinal))
    {
        var names = ns.Select(Display).Order(StringComparer.Ordinal);
        Console.WriteLine(markdown ? $"- `{ns.Key}`: {string.Join(", ", names)}" : $"  {ns.Key}: {string.Join(", ", names)}");
    }
    if (markdown) Console.WriteLine();
}
Console.WriteLine($"{total} public types in {assemblies.Length} assemblies");

// "Job<TState>", "Outer.Inner": the name as C# code writes it.
static string Display(Type type)
{
    string name = type.Name;
    int tick = name.IndexOf('`');
    if (tick >= 0)
    {
        // A nested type's generic arguments include its outer type's; only its own are written after its name.
        int outer = type.DeclaringType?.GetGenericArguments().Length ?? 0;
        var own = type.GetGenericArguments().Skip(outer).Select(a => a.Name);
        name = $"{name[..tick]}<{string.Join(", ", own)}>";
    }
    return type.DeclaringType is { } declaring ? $"{Display(declaring)}.{name}" : name;
}
