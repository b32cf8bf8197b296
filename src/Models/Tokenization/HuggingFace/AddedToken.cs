namespace LlmForge.Tokenization;

/// <summary>
/// One entry of tokenizer.json's <c>added_tokens</c>: text matched in the input before any normalization or
/// pre-tokenization and encoded as its one id (<c>"&lt;|im_start|&gt;"</c>).
/// </summary>
/// <param name="Id">Its id.</param>
/// <param name="Content">The text it stands for.</param>
/// <param name="Special">Whether it is a control token (<see cref="ITokenizer.SpecialTokens"/>); special tokens are
/// matched only when special tokens are allowed, others always.</param>
/// <param name="LeftStrip">"lstrip": the match also takes the whitespace before it.</param>
/// <param name="RightStrip">"rstrip": the match also takes the whitespace after it.</param>
public sealed record AddedToken(int Id, string Content, bool Special, bool LeftStrip = false, bool RightStrip = false);
