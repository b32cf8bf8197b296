namespace LlmForge.Tests.Backends.Reference;

/// <summary>Permute from the definition: walk every x element's multi-index and place it at y's permuted index.</summary>
public static class ReferencePermute
{
    public static float[] Permute(float[] x, int[] shape, int[] perm)
    {
        int rank = shape.Length, count = shape.Aggregate(1, (a, s) => a * s);
        var outShape = perm.Select(p => shape[p]).ToArray();
        var y = new float[count];
        var index = new int[rank];
        for (int flat = 0; flat < count; flat++)
        {
            int rest = flat;
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                index[axis] = rest % shape[axis];
                rest /= shape[axis];
            }
            int outFlat = 0;
            for (int i = 0; i < rank; i++) outFlat = outFlat * outShape[i] + index[perm[i]];
            y[outFlat] = x[flat];
        }
        return y;
    }
}
