using LlmForge.Data;

namespace LlmForge.Training;

/// <summary>
/// The Stanford Alpaca prompt (the one Raschka's chapter 7 uses):
/// <code>
/// Below is an instruction that describes a task. Write a response that appropriately completes the request.
///
/// ### Instruction:
/// {instruction}
///
/// ### Input:
/// {input}
///
/// ### Response:
/// {output}
/// </code>
/// The "### Input:" section is left out when the input is empty.
/// </summary>
public sealed class AlpacaPromptTemplate : IPromptTemplate
{
    /// <summary>The template's name, "alpaca".</summary>
    public const string TemplateName = "alpaca";

    /// <summary>The first paragraph of every prompt.</summary>
    public const string Preamble = "Below is an instruction that describes a task. Write a response that appropriately completes the request.";

    /// <summary>"alpaca".</summary>
    public string Name => TemplateName;

    /// <summary>Preamble, instruction, the input when there is one, and the "### Response:" header with its newline.</summary>
    public string FormatPrompt(InstructionExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        string input = string.IsNullOrEmpty(example.Input) ? "" : $"\n\n### Input:\n{example.Input}";
        return $"{Preamble}\n\n### Instruction:\n{example.Instruction}{input}\n\n### Response:\n";
    }
}
