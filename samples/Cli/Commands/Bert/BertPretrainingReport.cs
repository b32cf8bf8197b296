using System.Globalization;
using LlmForge.Training;

namespace LlmForge.Cli.Commands.Bert;

/// <summary>The last two lines of <c>pretrain-bert</c> and <c>train --variant bert-…</c>: the masked-token losses, then <c>val_loss=</c>.</summary>
internal static class BertPretrainingReport
{
    public static int Write(BertPretrainingResult result, TextWriter stdout)
    {
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"masked-token loss: {result.InitialValidationLoss:F4} before training, {result.FinalValidationLoss:F4} after {result.Steps} steps (train {result.FinalTrainLoss:F4})"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"val_loss={result.FinalValidationLoss:F4}"));
        return 0;
    }
}
