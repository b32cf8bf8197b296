namespace LlmForge.Data;

/// <summary>One example of a translation corpus: a source sentence and its translation.</summary>
/// <param name="Source">Source-language text (e.g. English).</param>
/// <param name="Target">Its translation (e.g. French).</param>
/// <param name="Line">1-based line of the file it was read from (0 when built in memory), for messages.</param>
public sealed record TranslationPair(string Source, string Target, int Line = 0);
