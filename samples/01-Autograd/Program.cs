// Learn 1 — Autograd by hand.
//
// A network learns by nudging each weight against the gradient of its loss. Writing those derivatives by hand is
// error-prone, so every framework records the computation as a graph while it runs and walks that graph backwards,
// applying the chain rule at each node ("reverse-mode automatic differentiation"). This sample builds that machinery
// for single numbers (a micrograd-style `Value`, at the bottom of this file), checks it against finite differences,
// then does the same computation with LlmForge's tensors, and finally takes one SGD step on a tiny network built from
// LlmForge's layers.
//
// Usage: dotnet run -c Release --project samples/01-Autograd      (prints only; no pictures)
using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Layers;
using LlmForge.Training.Optimizers;
using LlmForge.Samples.Autograd;

// ------------------------------------------------------------------------------------------- 1. the worked example
// One neuron with a sigmoid and binary cross-entropy: z = w·x + b, a = σ(z), L = −[y·log a + (1 − y)·log(1 − a)].
// By hand, dL/dz = a − y (σ and the log cancel out neatly), so dL/dw = x·(a − y) and dL/db = a − y.
Console.WriteLine("1. The worked example: z = w·x + b, a = sigmoid(z), L = BCE(a, y), x = 1.1, y = 1, w = 2.2, b = 0");
var x = new Value(1.1, "x");
var y = new Value(1.0, "y");
var w = new Value(2.2, "w");
var b = new Value(0.0, "b");
var z = w * x + b;
var a = z.Sigmoid();
var loss = -(y * a.Log() + (1 - y) * (1 - a).Log());
loss.Backward();
Console.WriteLine($"   Value:  z = {z.Data:F4}  a = {a.Data:F4}  L = {loss.Data:F4}");
Console.WriteLine($"   Value:  dL/dw = {w.Grad:F4}   dL/db = {b.Grad:F4}   (by hand: x·(a − y) = {1.1 * (a.Data - 1):F4}, a − y = {a.Data - 1:F4})");

// ------------------------------------------------------------------------------ 2. every operation, checked numerically
// Each node knows only its local derivative; Backward() visits the nodes in reverse topological order, so a node's
// gradient is complete (all its uses have added their share) before it is passed on. A central difference
// (f(v + h) − f(v − h)) / 2h checks the result for every input.
Console.WriteLine();
Console.WriteLine("2. Every operation (+, ×, exp, tanh, log, sigmoid, leaky ReLU) in one expression, against finite differences");
static Value Expression(Value p, Value q) =>
    (p * q).Tanh() + (p + 2).Exp().Log() * q.Sigmoid() + (p * -3).LeakyRelu(0.1) * q;
double[] inputs = [0.7, -1.3];
var p = new Value(inputs[0], "p");
var q = new Value(inputs[1], "q");
var f = Expression(p, q);
f.Backward();
double maxError = 0;
foreach (var (input, index) in new[] { (p, 0), (q, 1) })
{
    const double h = 1e-6;
    double[] plus = (double[])inputs.Clone(), minus = (double[])inputs.Clone();
    plus[index] += h;
    minus[index] -= h;
    double numeric;
    using (Value.NoGrad()) // nothing to differentiate here: no graph is recorded
        numeric = (Expression(new Value(plus[0]), new Value(plus[1])).Data - Expression(new Value(minus[0]), new Value(minus[1])).Data) / (2 * h);
    Console.WriteLine($"   d f/d {input.Label} = {input.Grad,9:F6}   numeric {numeric,9:F6}");
    maxError = Math.Max(maxError, Math.Abs(input.Grad - numeric));
}
Console.WriteLine($"   f = {f.Data:F6}, graph of {f.Topological().Count} nodes, max |autograd − numeric| = {maxError:E1}");

// Gradients accumulate (+=), because a value used twice gets a share from each use: d(u·u)/du = u + u.
// The flip side: a second Backward() adds onto the gradients left by the first (every node of the graph keeps its
// own), so training loops zero them first, as optimizer.zero_grad() does between steps.
var u = new Value(3.0, "u");
(u * u).Backward();
Console.WriteLine($"   u = 3 used twice: d(u·u)/du = {u.Grad:F1} (3 from each use)");
double first = p.Grad;
f.Backward();
double stale = p.Grad;
f.ZeroGrad();
f.Backward();
Console.WriteLine($"   a second Backward() without zero-grad: d f/d p = {stale:F6} (stale gradients added in); after ZeroGrad() and Backward(): {p.Grad:F6} = {first:F6}");
using (Value.NoGrad())
    Console.WriteLine($"   under NoGrad() a result records no parents: {(p * q).Topological().Count} node in its graph");

// -------------------------------------------------------------------------------------- 3. the same with LlmForge tensors
// LlmForge's Tensor records the same graph (GradFn nodes) for whole arrays; F holds the differentiable operations.
// Parameters are tensors that require grad; Backward() from a scalar fills their Grad arrays.
Console.WriteLine();
Console.WriteLine("3. The same with LlmForge tensors (LlmForge.Autograd: Tensor, F)");
var backend = new ManagedBackend();
var tx = Tensor.FromArray(backend, [1.1f], 1);
var ty = Tensor.FromArray(backend, [1f], 1);
var tw = Tensor.Parameter(Tensor.FromArray(backend, [2.2f], 1), "w");
var tb = Tensor.Parameter(Tensor.FromArray(backend, [0f], 1), "b");
var ta = (tw * tx + tb).Sigmoid();
var tloss = BinaryCrossEntropy(ta, ty);
tloss.Backward();
Console.WriteLine($"   Tensor: L = {tloss.Item():F4}   dL/dw = {tw.Grad![0]:F4}   dL/db = {tb.Grad![0]:F4}");
using (GradMode.NoGrad())
{
    // inference: the forward runs, but no node is recorded, so there is nothing to walk back and no memory kept
    var evaluated = (tw * tx + tb).Sigmoid();
    Console.WriteLine($"   under GradMode.NoGrad(): a = {evaluated.Item():F4}, requires grad: {evaluated.RequiresGrad}");
}

// ---------------------------------------------------------------------------------------------- 4. one training step
// SimpleNet: Linear 10→5, ReLU, Linear 5→1, sigmoid, binary cross-entropy, one plain SGD step (p −= lr·grad).
// The loss after the step is lower: the step went downhill, which is all gradient descent promises for a small lr.
Console.WriteLine();
Console.WriteLine("4. SimpleNet (Linear 10→5, ReLU, Linear 5→1, sigmoid, BCE) and one SGD step with LlmForge layers");
var init = new ModuleInit(backend, seed: 1, std: 0.5f);
var hidden = new Linear(init, 10, 5);
var output = new Linear(init, 5, 1);
var inputsBatch = Tensor.Randn(backend, seed: 2, std: 1f, 8, 10);          // 8 examples of 10 features
var labels = Tensor.FromArray(backend, [1, 0, 1, 1, 0, 0, 1, 0], 8, 1);      // their classes
Tensor Forward() => output.Forward(hidden.Forward(inputsBatch).Relu()).Sigmoid(); // (8, 1) probabilities
var parameters = hidden.NamedParameters().Select(n => new NamedParameter("hidden." + n.Name, n.Parameter))
    .Concat(output.NamedParameters().Select(n => new NamedParameter("output." + n.Name, n.Parameter))).ToList();
var sgd = new Sgd([new ParameterGroup(parameters, WeightDecay: 0f)]);
Console.WriteLine($"   parameters: {parameters.Sum(n => n.Value.Length)} ({string.Join(", ", parameters.Select(n => $"{n.Name} [{string.Join("×", n.Value.Shape)}]"))})");
sgd.ZeroGrad();
var before = BinaryCrossEntropy(Forward(), labels);
before.Backward();
float gradNorm = MathF.Sqrt(parameters.Sum(n => n.Value.Grad!.Sum(g => g * g)));
sgd.Step(lr: 0.5f);
float after;
using (GradMode.NoGrad()) after = BinaryCrossEntropy(Forward(), labels).Item();
Console.WriteLine($"   loss before = {before.Item():F4}   gradient norm = {gradNorm:F4}   loss after one step (lr 0.5) = {after:F4}");

// L = −mean(y·log p + (1 − y)·log(1 − p)), written from F's primitives so every piece has its gradient.
static Tensor BinaryCrossEntropy(Tensor probabilities, Tensor targets)
{
    var notTargets = -targets + 1f;                                 // constants: no gradient flows into the labels
    var logLikelihood = targets * probabilities.Log() + notTargets * (-probabilities + 1f).Log();
    return -logLikelihood.Mean();
}

namespace LlmForge.Samples.Autograd
{
    /// <summary>
    /// One number of a computation graph (after micrograd): its value, the gradient of the final output with respect to
    /// it, the values it was computed from, and how to pass its gradient back to them (the local chain-rule step).
    /// </summary>
    internal sealed class Value
    {
        private static int noGradDepth;
        private readonly Value[] parents;
        private readonly Action backward;

        public Value(double data, string label = "") : this(data, [], static () => { }) => Label = label;

        private Value(double data, Value[] parents, Action backward)
        {
            Data = data;
            this.parents = parents;
            this.backward = backward;
            Label = "";
        }

        public double Data { get; }
        public double Grad { get; private set; }
        public string Label { get; }

        /// <summary>While the returned scope is open, results record no parents (inference: nothing to differentiate).</summary>
        public static IDisposable NoGrad()
        {
            noGradDepth++;
            return new Scope();
        }

        private sealed class Scope : IDisposable
        {
            private bool disposed;
            public void Dispose() { if (!disposed) { disposed = true; noGradDepth--; } }
        }

        // Each operation computes its value and, unless under NoGrad, a closure that adds its local derivative times the
        // output's gradient to each input's gradient (+=, since an input may be used more than once).
        private static Value Make(double data, Value[] parents, Func<Value, Action> backward)
        {
            if (noGradDepth > 0) return new Value(data);
            Value? result = null;
            var node = new Value(data, parents, () => backward(result!)());
            result = node;
            return node;
        }

        public static Value operator +(Value a, Value b) =>
            Make(a.Data + b.Data, [a, b], o => () => { a.Grad += o.Grad; b.Grad += o.Grad; });

        public static Value operator *(Value a, Value b) =>
            Make(a.Data * b.Data, [a, b], o => () => { a.Grad += b.Data * o.Grad; b.Grad += a.Data * o.Grad; });

        public static Value operator +(Value a, double c) => a + new Value(c);
        public static Value operator +(double c, Value a) => a + new Value(c);
        public static Value operator *(Value a, double c) => a * new Value(c);
        public static Value operator -(Value a) => a * -1;
        public static Value operator -(Value a, Value b) => a + -b;
        public static Value operator -(double c, Value a) => new Value(c) + -a;

        public Value Exp()
        {
            double e = Math.Exp(Data);
            return Make(e, [this], o => () => Grad += e * o.Grad);               // (eˣ)' = eˣ
        }

        public Value Log() => Make(Math.Log(Data), [this], o => () => Grad += o.Grad / Data); // (ln x)' = 1/x

        public Value Tanh()
        {
            double t = Math.Tanh(Data);
            return Make(t, [this], o => () => Grad += (1 - t * t) * o.Grad);     // tanh' = 1 − tanh²
        }

        public Value Sigmoid()
        {
            double s = 1 / (1 + Math.Exp(-Data));
            return Make(s, [this], o => () => Grad += s * (1 - s) * o.Grad);    // σ' = σ(1 − σ)
        }

        public Value LeakyRelu(double slope = 0.01) =>
            Make(Data > 0 ? Data : slope * Data, [this], o => () => Grad += (Data > 0 ? 1 : slope) * o.Grad);

        /// <summary>The graph below this value, each node after all the nodes it was computed from.</summary>
        public List<Value> Topological()
        {
            var order = new List<Value>();
            var seen = new HashSet<Value>(ReferenceEqualityComparer.Instance);
            void Visit(Value v)
            {
                if (!seen.Add(v)) return;
                foreach (var parent in v.parents) Visit(parent);
                order.Add(v);
            }
            Visit(this);
            return order;
        }

        /// <summary>dself/dself = 1, then each node's closure in reverse topological order.</summary>
        public void Backward()
        {
            var order = Topological();
            Grad = 1;
            for (int i = order.Count - 1; i >= 0; i--) order[i].backward();
        }

        /// <summary>Sets every gradient of the graph below this value to 0.</summary>
        public void ZeroGrad()
        {
            foreach (var v in Topological()) v.Grad = 0;
        }
    }
}
