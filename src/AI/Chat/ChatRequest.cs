using LlmForge.Generation;

namespace LlmForge.AI.Chat;

/// <summary>One chat request, ready to decode: the rendered prompt's ids, the generator with the request's sampling and
/// end tokens, the token limit and the text stop sequences (the format's and the request's).</summary>
internal sealed record ChatRequest(IReadOnlyList<int> Prompt, TextGenerator Generator, int MaxTokens, IReadOnlyList<string> StopSequences);
