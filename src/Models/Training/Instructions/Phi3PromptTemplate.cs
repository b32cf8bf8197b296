using LlmForge.Data;

namespace LlmForge.Training;

/// <summary>
/// The shorter Phi-3 style prompt (the alternative of Raschka's chapter 7 exercise):
/// <code>
/// &lt;|user|&gt;
/// {instruction}
/// {input}
/// &lt;|assistant|&gt;
/// {output}
/// </code>
/// The input line is left out when the input is empty. The markers are plain text to a tokenizer that does not
/// define them as special tokens.
/// </summary>
public sealed class Phi3PromptTemplate : IPromptTemplate
{
    /// <summary>The template's name, "phi3".</summary>
    public const string TemplateName = "phi3";

    /// <summary>"phi3".</summary>
    public string Name => TemplateName;

    /// <summary>The user marker, instruction, the input when there is one, and the assistant marker with its newline.</summary>
    public string FormatPrompt(InstructionExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        string input = string.IsNullOrEmpty(example.Input) ? "" : $"\n{example.Input}";
        return $"<|user|>\n{example.Instruction}{input}\n<|assistant|>\n";
    }
}
