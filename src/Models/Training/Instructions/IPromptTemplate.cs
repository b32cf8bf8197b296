using LlmForge.Data;

namespace LlmForge.Training;

/// <summary>
/// How an instruction example becomes the text a causal LM reads: the prompt (instruction and input, ending where
/// the response starts) and the response that follows it. Instruction tuning trains only on the response's tokens, so
/// the split between the two is the template's job. Templates are siblings picked by <see cref="Name"/>
/// (<see cref="PromptTemplates.Get"/>): <see cref="AlpacaPromptTemplate"/> ("alpaca", the default) and
/// <see cref="Phi3PromptTemplate"/> ("phi3").
/// </summary>
public interface IPromptTemplate
{
    /// <summary>The template's name ("alpaca").</summary>
    string Name { get; }

    /// <summary>The prompt of <paramref name="example"/>: everything before the response, ending where the model starts answering.</summary>
    string FormatPrompt(InstructionExample example);

    /// <summary>
    /// The response text that follows the prompt (the end-of-text token is appended by the objective, not here); by
    /// default the example's output as it is.
    /// </summary>
    string FormatResponse(InstructionExample example) => (example ?? throw new ArgumentNullException(nameof(example))).Output;
}
