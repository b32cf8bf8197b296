namespace LlmForge.Tokenization;

/// <summary>
/// What a <c>Split</c> pre-tokenizer does with the delimiters it finds (the tokenizers library's
/// <c>SplitDelimiterBehavior</c>), for "a-b" split on "-".
/// </summary>
internal enum SplitBehavior
{
    /// <summary>"Removed": ["a", "b"].</summary>
    Removed,
    /// <summary>"Isolated": ["a", "-", "b"] (what GPT-2-style regexes use: every match is a piece).</summary>
    Isolated,
    /// <summary>"MergedWithPrevious": ["a-", "b"].</summary>
    MergedWithPrevious,
    /// <summary>"MergedWithNext": ["a", "-b"].</summary>
    MergedWithNext,
    /// <summary>"Contiguous": adjacent delimiters form one piece: "a--b" → ["a", "--", "b"].</summary>
    Contiguous,
}
