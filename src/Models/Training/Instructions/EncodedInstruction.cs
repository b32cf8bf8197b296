using LlmForge.Data;
using LlmForge.Tokenization;

namespace LlmForge.Training;

/// <summary>
/// An instruction example as token ids: the prompt's, then the response's, then the end-of-text id, cut to the model's
/// context + 1 (inputs are every token but the last, targets every token but the first).
/// </summary>
/// <param name="Tokens">Prompt, response and end-of-text ids: at most the model's context + 1.</param>
/// <param name="PromptLength">How many of <paramref name="Tokens"/> are the prompt's; targets before it are masked.</param>
/// <param name="Line">The example's line in its file (0 when built in code).</param>
public sealed record EncodedInstruction(int[] Tokens, int PromptLength, int Line)
{
    /// <summary>Positions of the (inputs, targets) pair: <see cref="Tokens"/> minus one.</summary>
    public int Length => Tokens.Length - 1;

    /// <summary>Targets trained on: the response's tokens and the end-of-text (those that survived the cut).</summary>
    public int ResponseTokens => Tokens.Length - PromptLength;

    /// <summary>
    /// Encodes <paramref name="example"/> with <paramref name="template"/>: prompt and response are encoded separately,
    /// so the prompt's ids are exactly what generation is given, and <paramref name="endOfTextId"/> follows the response
    /// (it is trained: the model learns to stop).
    /// </summary>
    /// <param name="example">The example.</param>
    /// <param name="template">How it becomes prompt and response text.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="endOfTextId">The id appended after the response.</param>
    /// <param name="maxLength">The model's context: the result holds at most maxLength + 1 ids.</param>
    /// <exception cref="ArgumentException">The prompt alone fills the context, so no response token would be trained (naming the line).</exception>
    public static EncodedInstruction Encode(InstructionExample example, IPromptTemplate template, ITokenizer tokenizer, int endOfTextId, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(example);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        var prompt = tokenizer.Encode(template.FormatPrompt(example));
        var response = tokenizer.Encode(template.FormatResponse(example));
        if (prompt.Count >= maxLength + 1)
            throw new ArgumentException(
                $"{(example.Line > 0 ? $"line {example.Line}: " : "")}the prompt has {prompt.Count} tokens, which fill the model's context of {maxLength}: no response token would be trained.", nameof(example));
        int length = Math.Min(prompt.Count + response.Count + 1, maxLength + 1);
        var tokens = new int[length];
        int n = 0;
        foreach (int id in prompt) tokens[n++] = id;
        foreach (int id in response) { if (n == length) break; tokens[n++] = id; }
        if (n < length) tokens[n] = endOfTextId;
        return new(tokens, prompt.Count, example.Line);
    }
}
