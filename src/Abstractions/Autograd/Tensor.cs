using System.Globalization;
using System.Text;
using LlmForge.Backends;

namespace LlmForge.Autograd;

/// <summary>
/// An n-dimensional float32 array in contiguous row-major order, with an optional gradient and the
/// graph node (<see cref="GradFn"/>) of the op that produced it, micrograd-style. Ops live in <see cref="F"/>
/// (also callable as extension methods: <c>x.MatMul(w)</c>); the arithmetic operators forward to them.
/// </summary>
public sealed partial class Tensor
{
    private bool requiresGrad;

    internal Tensor(ITensorBackend backend, float[] data, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Backend = backend;
        Data = data;
        Shape = shape;
        Length = data.LongLength;
    }

    /// <summary>
    /// Makes a header a <see cref="TensorArena"/> got back at the end of a step into a new tensor: a fresh leaf over
    /// <paramref name="data"/>, its shape written into the old shape array (the arena pools headers by rank).
    /// </summary>
    internal void Reuse(ITensorBackend backend, float[] data, ReadOnlySpan<int> shape)
    {
        Backend = backend;
        Data = data;
        shape.CopyTo(Shape);
        Length = data.LongLength;
    }

    /// <summary>Drops what the header refers to (graph, gradient, label) when its arena step ends.</summary>
    internal void Clear()
    {
        requiresGrad = false;
        Grad = null;
        GradFn = null;
        Name = null;
    }

    /// <summary>The dimensions, outermost first; empty for a scalar. Read it, never write it: a tensor made in a <see cref="TensorArena"/> step passes its array on to a tensor of a later step.</summary>
    public int[] Shape { get; }

    /// <summary>Number of dimensions (0 for a scalar).</summary>
    public int Rank => Shape.Length;

    /// <summary>Number of elements (the product of <see cref="Shape"/>; 1 for a scalar).</summary>
    public long Length { get; private set; }

    /// <summary>The values, row-major. Views made by <see cref="F.Reshape"/> and <see cref="Detach"/> share this array.</summary>
    public float[] Data { get; private set; }

    /// <summary><see cref="Data"/> as a span.</summary>
    public Span<float> Span => Data;

    /// <summary>The backend whose kernels every op on this tensor runs.</summary>
    public ITensorBackend Backend { get; private set; }

    /// <summary>An optional label (parameter name), shown by <see cref="ToString"/>.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Whether <see cref="Backward()"/> computes a gradient for this tensor. Set it on leaves (parameters);
    /// an op's output requires grad when any of its inputs does and recording is on (<see cref="GradMode"/>).
    /// </summary>
    public bool RequiresGrad
    {
        get => requiresGrad;
        set
        {
            if (GradFn is not null && !value)
                throw new InvalidOperationException(
                    $"RequiresGrad: {Describe()} is the output of {GradFn.Op}; use Detach() to cut it from the graph.");
            requiresGrad = value;
        }
    }

    /// <summary>∂loss/∂this, same length as <see cref="Data"/>; allocated (zeroed) the first time a gradient reaches it.</summary>
    /// <remarks>After <see cref="ZeroGrad"/> the buffer is cleared when it is next read, unless an op overwrites it first.</remarks>
    public float[]? Grad
    {
        get
        {
            if (gradIsStale)
            {
                Array.Clear(grad!);
                gradIsStale = false;
            }
            return grad;
        }
        internal set
        {
            grad = value;
            gradIsStale = false;
        }
    }

    private float[]? grad;
    // ZeroGrad without the clear: the buffer's values are old and stand for zeros (see GradTarget).
    private bool gradIsStale;

    /// <summary>The op that produced this tensor and how to back-propagate through it; null for leaves.</summary>
    public Node? GradFn { get; internal set; }

    /// <summary>Whether no recorded op produced this tensor (a parameter, an input, or anything made without a graph).</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>Back-propagates from this scalar (e.g. a loss): seeds ∂this/∂this = 1.</summary>
    public void Backward()
    {
        if (Length != 1)
            throw new InvalidOperationException(
                $"Backward(): {Describe()} is not a scalar; pass the gradient of the output: Backward(gradOutput).");
        Backprop.Run(this, [1f]);
    }

    /// <summary>Back-propagates <paramref name="gradOutput"/> (∂loss/∂this, same shape as this).</summary>
    public void Backward(Tensor gradOutput)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        if (!Shapes.Equal(gradOutput.Shape, Shape))
            throw new ArgumentException(
                $"Backward: gradOutput {Shapes.Format(gradOutput.Shape)} must have the shape of the output {Shapes.Format(Shape)}.",
                nameof(gradOutput));
        Backprop.Run(this, gradOutput.Data);
    }

    /// <summary>The gradient buffer, allocated zeroed on first use; what op closures accumulate into.</summary>
    // A parameter's (leaf's) gradient lives across steps; an intermediate's only within one backward pass.
    internal float[] GradBuffer() => Grad ??= IsLeaf ? new float[Length] : TensorArena.Allocate(Length);

    /// <summary>
    /// The gradient buffer for a kernel that can either overwrite or accumulate (a GEMM's beta): <paramref name="beta"/>
    /// is 0 while the gradient is still zero (never written since it was allocated or zeroed), and the caller must then
    /// write every element; 1 once it holds a partial sum. Saves the clear of the buffer and the kernel's read of it.
    /// </summary>
    internal float[] GradTarget(out float beta)
    {
        if (grad is null)
        {
            grad = IsLeaf ? GC.AllocateUninitializedArray<float>(checked((int)Length)) : TensorArena.AllocateUninitialized(Length);
            beta = 0f;
        }
        else
        {
            beta = gradIsStale ? 0f : 1f;
        }
        gradIsStale = false;
        return grad;
    }

    /// <summary>
    /// Zeroes the gradient (keeps the buffer), as an optimizer does between steps. The clear itself waits for the next
    /// read of <see cref="Grad"/>, and is skipped when the backward pass overwrites the buffer first (<see cref="GradTarget"/>).
    /// </summary>
    public void ZeroGrad()
    {
        if (grad is not null) gradIsStale = true;
    }

    /// <summary>A leaf that shares this tensor's data but has no gradient and no graph.</summary>
    public Tensor Detach() => new(Backend, Data, (int[])Shape.Clone()) { Name = Name };

    /// <summary>The single value of a one-element tensor (a loss).</summary>
    public float Item()
    {
        if (Length != 1)
            throw new InvalidOperationException($"Item(): {Describe()} has {Length} elements; Item() needs exactly one.");
        return Data[0];
    }

    /// <summary>A copy of the values, row-major.</summary>
    public float[] ToArray() => (float[])Data.Clone();

    /// <summary>"Tensor [2,3] name=wte requires_grad grad_fn=MatMul [0.1, 0.2, …]".</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Describe());
        if (RequiresGrad) text.Append(" requires_grad");
        if (GradFn is not null) text.Append(" grad_fn=").Append(GradFn.Op);
        text.Append(" [");
        int shown = (int)Math.Min(Length, 6);
        for (int i = 0; i < shown; i++)
            text.Append(i == 0 ? "" : ", ").Append(Data[i].ToString("G6", CultureInfo.InvariantCulture));
        if (shown < Length) text.Append(", …");
        return text.Append(']').ToString();
    }

    /// <summary>"Tensor [2,3] name=wte": how errors name a tensor.</summary>
    internal string Describe() => Name is null ? $"Tensor {Shapes.Format(Shape)}" : $"Tensor {Shapes.Format(Shape)} name={Name}";

    /// <summary>Element-wise a + b (<see cref="F.Add"/>).</summary>
    public static Tensor operator +(Tensor a, Tensor b) => F.Add(a, b);
    /// <summary>Element-wise a − b (<see cref="F.Sub"/>).</summary>
    public static Tensor operator -(Tensor a, Tensor b) => F.Sub(a, b);
    /// <summary>−x (<see cref="F.Neg"/>).</summary>
    public static Tensor operator -(Tensor x) => F.Neg(x);
    /// <summary>Element-wise a · b (<see cref="F.Mul"/>).</summary>
    public static Tensor operator *(Tensor a, Tensor b) => F.Mul(a, b);
    /// <summary>x scaled by s (<see cref="F.Scale"/>).</summary>
    public static Tensor operator *(Tensor x, float s) => F.Scale(x, s);
    /// <summary>x scaled by s (<see cref="F.Scale"/>).</summary>
    public static Tensor operator *(float s, Tensor x) => F.Scale(x, s);
    /// <summary>x scaled by 1/s (<see cref="F.Scale"/>).</summary>
    public static Tensor operator /(Tensor x, float s) => F.Scale(x, 1f / s);

    /// <summary>a / b element-wise (<see cref="F.Div"/>; b may be a per-row [.., 1]).</summary>
    public static Tensor operator /(Tensor a, Tensor b) => F.Div(a, b);

    /// <summary>x + c (<see cref="F.AddScalar"/>): <c>variance + 1e-5f</c>.</summary>
    public static Tensor operator +(Tensor x, float c) => F.AddScalar(x, c);

    /// <summary>c + x (<see cref="F.AddScalar"/>).</summary>
    public static Tensor operator +(float c, Tensor x) => F.AddScalar(x, c);

    /// <summary>x − c (<see cref="F.AddScalar"/> of −c).</summary>
    public static Tensor operator -(Tensor x, float c) => F.AddScalar(x, -c);
}
