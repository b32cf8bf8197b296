namespace LlmForge.Training;

/// <summary>
/// A padded (B, T) batch of instruction examples, T the longest row's length: <see cref="Inputs"/> are each row's
/// tokens but the last, right-padded with the pad id; <see cref="Targets"/> the tokens shifted by one, with
/// <see cref="IgnoreIndex"/> wherever the next token is the prompt's or padding, so only the response's tokens and
/// its end-of-text are trained.
/// </summary>
public sealed record InstructionBatch
{
    /// <summary>The target of a position that is not trained (cross-entropy's ignore index, PyTorch's -100).</summary>
    public const int IgnoreIndex = -100;

    /// <summary>Input ids, (B, T) row-major.</summary>
    public required int[] Inputs { get; init; }

    /// <summary>Target ids, (B, T) row-major; <see cref="IgnoreIndex"/> on prompt and padding positions.</summary>
    public required int[] Targets { get; init; }

    /// <summary>Rows, B.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Positions per row, T.</summary>
    public required int SequenceLength { get; init; }

    /// <summary>Targets that are trained (not <see cref="IgnoreIndex"/>).</summary>
    public int TrainedTokens => Targets.Count(t => t != IgnoreIndex);

    /// <summary>Collates <paramref name="rows"/>; padding inputs hold <paramref name="padId"/> (any valid id: its targets are ignored).</summary>
    /// <exception cref="ArgumentException">No rows.</exception>
    public static InstructionBatch Collate(IReadOnlyList<EncodedInstruction> rows, int padId)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("an instruction batch needs at least one row.", nameof(rows));
        int b = rows.Count, t = rows.Max(r => r.Length);
        var inputs = new int[b * t];
        var targets = new int[b * t];
        Array.Fill(inputs, padId);
        Array.Fill(targets, IgnoreIndex);
        for (int r = 0; r < b; r++)
        {
            var row = rows[r];
            for (int i = 0; i < row.Length; i++)
            {
                inputs[r * t + i] = row.Tokens[i];
                // position i predicts token i + 1: trained only when that token is the response's (or its end-of-text)
                if (i + 1 >= row.PromptLength) targets[r * t + i] = row.Tokens[i + 1];
            }
        }
        return new InstructionBatch { Inputs = inputs, Targets = targets, BatchSize = b, SequenceLength = t };
    }
}
