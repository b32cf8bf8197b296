using LlmForge.Data;
using LlmForge.Tokenization;

namespace LlmForge.Samples;

/// <summary>
/// The text the training samples learn, by characters: the course's short story (the-verdict.txt) when ../shared/data
/// holds it, else the .NET reference docs the CLI trains on by default; the first 90 % trains, the last 10 % validates.
/// </summary>
/// <param name="Name">"the-verdict.txt" or "the .NET reference docs".</param>
/// <param name="Text">The whole text.</param>
/// <param name="Tokenizer">One id per distinct character of the text.</param>
/// <param name="Train">The first 90 % of the ids.</param>
/// <param name="Validation">The last 10 %, never trained on.</param>
internal sealed record CharacterCorpus(string Name, string Text, CharTokenizer Tokenizer, int[] Train, int[] Validation)
{
    /// <summary>Reads and splits the text.</summary>
    public static CharacterCorpus Load()
    {
        string? verdict = SampleFiles.SharedText("the-verdict.txt");
        string text = verdict is not null ? File.ReadAllText(verdict) : DefaultCorpus.Load().Text;
        var tokenizer = CharTokenizer.FromCorpus(text);
        int[] ids = [.. tokenizer.Encode(text)];
        var (train, validation) = TrainValidationSplit.Split(ids, 0.9);
        return new(verdict is not null ? "the-verdict.txt" : "the .NET reference docs", text, tokenizer, train.ToArray(), validation.ToArray());
    }
}
