using LlmForge.Data;
using LlmForge.Generation;
using LlmForge.Gpt;
using LlmForge.Tokenization;

namespace LlmForge.Training;

/// <summary>
/// Asks an instruction-tuned causal LM for a response: the example's prompt in the template the model was tuned with,
/// continued until the end-of-text token (greedy by default, so a response is reproducible).
/// </summary>
/// <param name="Model">The causal LM.</param>
/// <param name="Tokenizer">Its tokenizer.</param>
/// <param name="Template">The template the model was tuned with.</param>
/// <param name="EndOfTextId">The id that ends a response.</param>
public sealed record InstructionResponder(GptModel Model, ITokenizer Tokenizer, IPromptTemplate Template, int EndOfTextId)
{
    /// <summary>The responder of <paramref name="objective"/>'s model, tokenizer, template and end-of-text.</summary>
    public static InstructionResponder For(InstructionTuning objective)
    {
        ArgumentNullException.ThrowIfNull(objective);
        return new(objective.Model, objective.Tokenizer, objective.Template, objective.EndOfTextId);
    }

    /// <summary>
    /// How many of <paramref name="examples"/> the model answers exactly (greedy response and expected output equal after
    /// trimming surrounding white space): a task-level figure beside the loss.
    /// </summary>
    /// <param name="examples">The examples to answer (a validation set).</param>
    /// <param name="maxNewTokens">At most this many tokens per response.</param>
    public int ExactMatches(IEnumerable<InstructionExample> examples, int maxNewTokens = 32)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return examples.Count(e => Respond(e.Instruction, e.Input, maxNewTokens).Trim() == e.Output.Trim());
    }

    /// <summary>The response to <paramref name="instruction"/> (and <paramref name="input"/>), without the prompt and the end-of-text.</summary>
    /// <param name="instruction">The task.</param>
    /// <param name="input">What it applies to ("" for none).</param>
    /// <param name="maxNewTokens">At most this many tokens.</param>
    /// <param name="sampling">How tokens are chosen; null: greedy.</param>
    public string Respond(string instruction, string input = "", int maxNewTokens = 64, SamplingOptions? sampling = null)
    {
        string prompt = Template.FormatPrompt(new InstructionExample(instruction, input, ""));
        bool wasTraining = Model.IsTraining;
        Model.Eval();
        try
        {
            return new TextGenerator(Model.AsLanguageModel(), sampling ?? SamplingOptions.Greedy, EndOfTextId).Complete(Tokenizer, prompt, maxNewTokens);
        }
        finally
        {
            Model.Train(wasTraining);
        }
    }
}
