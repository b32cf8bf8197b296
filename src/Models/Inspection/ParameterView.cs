using LlmForge.Hosting;
using LlmForge.Layers;

namespace LlmForge.Inspection;

/// <summary>
/// One parameter, or one row of it (the N-th embedding: row N of tok_emb.weight [vocab, C]), with its statistics and
/// its values: how one looks at the weights.
/// </summary>
/// <param name="Name">The parameter's dotted name.</param>
/// <param name="Shape">The parameter's shape.</param>
/// <param name="Row">The row shown (index into the first dimension), or null for the whole tensor.</param>
/// <param name="Statistics">Of the values shown (the row, or the whole tensor).</param>
/// <param name="Values">The values shown, row-major.</param>
public sealed record ParameterView(string Name, IReadOnlyList<int> Shape, int? Row, TensorStatistics Statistics, float[] Values)
{
    /// <summary>
    /// The parameter <paramref name="name"/> of <paramref name="model"/> (any registered name, a tied one included),
    /// or its row <paramref name="row"/> (the first dimension's index).
    /// </summary>
    /// <exception cref="ArgumentException">No such parameter (the message suggests the closest names), or a row out of range or of a 1-D tensor.</exception>
    public static ParameterView Of(Module model, string name, int? row = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(name);
        var all = model.NamedModules()
            .SelectMany(m => m.Module.DirectParameters().Select(p => (Name: m.Name.Length == 0 ? p.Name : m.Name + "." + p.Name, p.Parameter)))
            .ToArray();
        var match = Array.Find(all, p => p.Name == name);
        if (match.Parameter is null)
        {
            var close = all.Select(p => p.Name).OrderBy(n => EditDistance.Between(n, name)).ThenBy(n => n, StringComparer.Ordinal).Take(3);
            throw new ArgumentException($"no parameter '{name}'; closest: {string.Join(", ", close)}", nameof(name));
        }
        var tensor = match.Parameter;
        var values = tensor.Data.AsSpan(0, checked((int)tensor.Length));
        if (row is { } r)
        {
            if (tensor.Rank < 2)
                throw new ArgumentException($"'{name}' {Shapes(tensor.Shape)} has no rows: --row needs a tensor of 2 or more dimensions", nameof(row));
            if (r < 0 || r >= tensor.Shape[0])
                throw new ArgumentException($"row {r} is out of range for '{name}' {Shapes(tensor.Shape)}: rows are 0 … {tensor.Shape[0] - 1}", nameof(row));
            int width = (int)(tensor.Length / tensor.Shape[0]);
            values = values.Slice(r * width, width);
        }
        return new ParameterView(name, tensor.Shape.ToArray(), row, TensorStatistics.Of(values), values.ToArray());
    }

    private static string Shapes(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
