using static LlmForge.Backends.Managed.ArgumentRules;

namespace LlmForge.Backends.Managed;

public static partial class KernelChecks
{
    /// <summary>GatedActivation: a known <see cref="GateActivation"/>, gate, up and y of one length.</summary>
    public static void GatedActivation(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y, GateActivation activation)
    {
        Activation(activation);
        SameLength(up.Length, gate.Length, nameof(up), nameof(gate));
        SameLength(y.Length, gate.Length, nameof(y), nameof(gate));
    }

    /// <summary>GatedActivationBackward: a known <see cref="GateActivation"/>, gate, up and dy of one length, dgate and dup empty or of it.</summary>
    public static void GatedActivationBackward(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, ReadOnlySpan<float> dy,
        Span<float> dgate, Span<float> dup, GateActivation activation)
    {
        Activation(activation);
        SameLength(up.Length, gate.Length, nameof(up), nameof(gate));
        SameLength(dy.Length, gate.Length, nameof(dy), nameof(gate));
        if (!dgate.IsEmpty) SameLength(dgate.Length, gate.Length, nameof(dgate), nameof(gate));
        if (!dup.IsEmpty) SameLength(dup.Length, gate.Length, nameof(dup), nameof(gate));
    }

    /// <summary>Throws unless <paramref name="activation"/> is a defined <see cref="GateActivation"/>.</summary>
    public static void Activation(GateActivation activation)
    {
        if (activation is not (GateActivation.Silu or GateActivation.GeluTanh or GateActivation.GeluErf or GateActivation.Relu))
            throw new ArgumentOutOfRangeException(nameof(activation), activation,
                $"Unknown gate activation {activation}; valid values: Silu, GeluTanh, GeluErf, Relu.");
    }
}
