using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Generation;
using LlmForge.Gpt;
using LlmForge.Tests.Gpt;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Generation;

public class TextGeneratorTests
{
    public static TheoryData<string, string> Cases => GptFixture.EveryBackendAndGpt2;

    [Theory, MemberData(nameof(Cases))]
    public void Greedy_equals_the_argmax_of_a_full_forward_each_step(string backend, string fixtureName)
    {
        var fixture = GptFixture.Load(fixtureName);
        var model = Gpt2Checkpoint.Load(fixture.Directory, TestBackends.Create(backend));
        int[] prompt = fixture.Ids[..4];

        int[] expected = GreedyReference.IndependentGreedy(model, prompt, 12);
        model.Train();
        int[] actual = [.. new TextGenerator(model.AsLanguageModel(), SamplingOptions.Greedy).Generate(prompt, 12)];

        Assert.Equal(expected, actual);
        Assert.True(expected.Distinct().Count() > 1, "the fixture model should not repeat one token");
        Assert.True(model.IsTraining, "the model's training mode is restored after generation");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Greedy_past_the_context_length_crops_to_the_last_tokens(string backend, string fixtureName)
    {
        var fixture = GptFixture.Load(fixtureName);
        var model = Gpt2Checkpoint.Load(fixture.Directory, TestBackends.Create(backend));
        int[] prompt = fixture.Ids[..10]; // context 16: 10 + 20 runs 14 tokens past it

        int[] actual = [.. new TextGenerator(model.AsLanguageModel(), SamplingOptions.Greedy).Generate(prompt, 20)];

        Assert.Equal(20, actual.Length);
        Assert.Equal(GreedyReference.IndependentGreedy(model, prompt, 20), actual);
    }

    [Fact]
    public void Each_step_sees_at_most_the_last_ContextLength_tokens()
    {
        var model = FakeLanguageModel.Counting(vocab: 50, contextLength: 4);
        int[] generated = [.. new TextGenerator(model, SamplingOptions.Greedy).Generate([10, 11], 6)];

        Assert.Equal([12, 13, 14, 15, 16, 17], generated);
        int[][] expected = [[10, 11], [10, 11, 12], [10, 11, 12, 13], [11, 12, 13, 14], [12, 13, 14, 15], [13, 14, 15, 16]];
        Assert.Equal(expected, model.Contexts);
    }

    [Fact]
    public void Runs_without_a_graph_in_eval_mode_and_restores_the_mode()
    {
        var model = FakeLanguageModel.Counting(vocab: 10, contextLength: 8);
        Assert.True(model.IsTraining);
        _ = new TextGenerator(model, SamplingOptions.Greedy).Generate([1], 3).ToList();

        Assert.Equal(3, model.Modes.Count);
        Assert.All(model.Modes, m => Assert.Equal((false, false), m));
        Assert.True(model.IsTraining);
        Assert.True(GradMode.IsEnabled);
    }

    [Fact]
    public void Stops_after_the_stop_token_which_is_yielded_last()
    {
        var model = FakeLanguageModel.Counting(vocab: 20, contextLength: 8);
        var generator = new TextGenerator(model, SamplingOptions.Greedy, stopTokenId: 7);

        Assert.Equal([5, 6, 7], generator.Generate([4], 50));
        Assert.Equal(3, model.Contexts.Count);
        // without a stop token only the limit ends it
        Assert.Equal(50, new TextGenerator(model, SamplingOptions.Greedy).Generate([4], 50).Count());
    }

    [Fact]
    public void Callback_receives_each_token_in_order()
    {
        var model = FakeLanguageModel.Counting(vocab: 20, contextLength: 8);
        var seen = new List<int>();
        var result = new TextGenerator(model, SamplingOptions.Greedy).Generate([0], 5, seen.Add);
        Assert.Equal([1, 2, 3, 4, 5], seen);
        Assert.Equal(seen, result);
    }

    [Fact]
    public void Zero_new_tokens_runs_nothing_and_bad_arguments_throw()
    {
        var model = FakeLanguageModel.Counting(vocab: 20, contextLength: 8);
        var generator = new TextGenerator(model, SamplingOptions.Greedy);
        Assert.Empty(generator.Generate([1], 0));
        Assert.Empty(model.Contexts);
        Assert.Contains("at least one token", Assert.Throws<ArgumentException>(() => generator.Generate([], 5)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => generator.Generate([1], -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextGenerator(model, new SamplingOptions { TopP = 0 }));
    }

    [Theory, MemberData(nameof(Cases))]
    public void Same_seed_gives_the_same_tokens_and_another_seed_differs(string backend, string fixtureName)
    {
        var fixture = GptFixture.Load(fixtureName);
        var model = Gpt2Checkpoint.Load(fixture.Directory, TestBackends.Create(backend)).AsLanguageModel();
        int[] Sample(ulong seed) =>
            [.. new TextGenerator(model, new SamplingOptions { Temperature = 1, Seed = seed }).Generate(fixture.Ids[..3], 24)];

        var first = Sample(42);
        Assert.Equal(first, Sample(42));
        Assert.NotEqual(first, Sample(43));
    }

    [Fact]
    public void Top_k_samples_only_the_k_most_likely_tokens()
    {
        float[] logits = [0.1f, 2.0f, 0.3f, 1.9f, 1.8f, 0.2f, 1.0f, 0.0f];
        var model = FakeLanguageModel.Constant(logits, contextLength: 4);
        var generated = new TextGenerator(model, new SamplingOptions { Temperature = 2, TopK = 3, Seed = 5 }).Generate([0], 300).ToList();

        Assert.Equal([1, 3, 4], generated.Distinct().Order());
    }

    [Fact]
    public void Top_p_samples_only_the_nucleus()
    {
        // probabilities 0.5, 0.3, 0.15, 0.05: top-p 0.7 keeps the first two (0.5 < 0.7 ≤ 0.8)
        float[] logits = [MathF.Log(0.15f), MathF.Log(0.5f), MathF.Log(0.05f), MathF.Log(0.3f)];
        var model = FakeLanguageModel.Constant(logits);
        var generated = new TextGenerator(model, new SamplingOptions { Temperature = 1, TopP = 0.7f, Seed = 9 }).Generate([0], 300).ToList();

        Assert.Equal([1, 3], generated.Distinct().Order());
    }

    [Fact]
    public void Complete_returns_the_new_text_without_the_prompt_or_the_stop_token()
    {
        var tokenizer = new CharTokenizer("abcdefgh");
        // counting model: after 'c' (2) comes 'd' (3)…; 'g' (6) is the stop token here
        var model = FakeLanguageModel.Counting(vocab: 8, contextLength: 8);
        var pieces = new List<string>();
        string text = new TextGenerator(model, SamplingOptions.Greedy, stopTokenId: 6).Complete(tokenizer, "bc", 10, pieces.Add);

        Assert.Equal("def", text);
        Assert.Equal(["d", "e", "f"], pieces);
    }
}
