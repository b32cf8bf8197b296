using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Gpt;
using LlmForge.Tokenization;
using LlmForge.Training;

namespace LlmForge.Tests.Training.Instructions;

/// <summary>The committed instruction fixture (Fixtures/instructions/tasks.jsonl), a char tokenizer over it and a tiny GPT.</summary>
internal static class InstructionFixtures
{
    /// <summary>The char standing for end-of-text in the char tokenizer (it has no special tokens of its own).</summary>
    public const char EndOfText = '\u0004';

    public static string TasksPath => FixturePath.Of("instructions", "tasks.jsonl");

    public static IReadOnlyList<InstructionExample> Tasks() => InstructionDataFile.Read(TasksPath);

    /// <summary>Every character the templates and the fixture use, and <see cref="EndOfText"/>.</summary>
    public static CharTokenizer Tokenizer(IReadOnlyList<InstructionExample> examples) => CharTokenizer.FromCorpus(string.Concat(
        examples.SelectMany(e => PromptTemplates.All.Select(t => t.FormatPrompt(e) + t.FormatResponse(e)))) + EndOfText);

    public static int EndOfTextId(ITokenizer tokenizer) => tokenizer.Encode(EndOfText.ToString())[0];

    public static GptModel Model(int vocab, ITensorBackend backend, int seed = 3, int context = 256, int width = 16) => new(new GptConfig
    {
        VocabSize = vocab, ContextLength = context, EmbeddingDim = width, Layers = 1, Heads = 2,
        EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0, TieWeights = false,
    }, backend, seed);

    public static InstructionTuning Objective(GptModel model, CharTokenizer tokenizer, IReadOnlyList<InstructionExample> train,
        IReadOnlyList<InstructionExample>? validation, int batchSize = 4, int seed = 7, IPromptTemplate? template = null) =>
        new(model, tokenizer, train, validation, new InstructionTuningOptions
        {
            BatchSize = batchSize, Seed = seed, EndOfTextId = EndOfTextId(tokenizer), Template = template ?? PromptTemplates.Alpaca,
        });
}
