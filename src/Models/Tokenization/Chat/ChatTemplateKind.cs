namespace LlmForge.Tokenization;

/// <summary>The chat prompt formats <see cref="ChatTemplate"/> recognizes in a <c>chat_template</c>.</summary>
public enum ChatTemplateKind
{
    /// <summary>
    /// ChatML (SmolLM2, Qwen2): <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> per message, generation prompt
    /// <c>&lt;|im_start|&gt;assistant\n</c>; some templates add a default system message when the chat has none.
    /// </summary>
    ChatMl,

    /// <summary>
    /// Llama 3: <c>&lt;|begin_of_text|&gt;</c>, then <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\ncontent&lt;|eot_id|&gt;</c>
    /// per message (content trimmed), generation prompt <c>&lt;|start_header_id|&gt;assistant&lt;|end_header_id|&gt;\n\n</c>.
    /// </summary>
    Llama3,

    /// <summary>
    /// Llama 3.1/3.2: as <see cref="Llama3"/>, but always opening with a system message that starts with
    /// "Cutting Knowledge Date: …\nToday Date: …\n\n" followed by the chat's own system message, if any.
    /// </summary>
    Llama31,
}
