using LlmForge.AI.Chat;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Generation;
using LlmForge.Layers;
using LlmForge.Tokenization;
using Microsoft.Extensions.AI;
using Xunit;
using TempDirectory = LlmForge.Tests.Checkpoints.TempDirectory;

namespace LlmForge.Tests.Chat;

/// <summary><see cref="LlmForgeChatClientOptions.Int8Weights"/>: replies of the int8 model, and one weight format at a time.</summary>
public class ChatClientWeightsTests
{
    [Fact]
    public async Task Int8_weights_reply_as_greedy_decoding_of_the_int8_model()
    {
        using var dir = new TempDirectory();
        TinyModels.WriteGpt(dir.Path);
        using var client = new LlmForgeChatClient(new LlmForgeChatClientOptions { ModelDirectory = dir.Path, Backend = new ManagedBackend(), Int8Weights = true });
        var response = await client.GetResponseAsync([new(ChatRole.User, "Tell me a story.")], new ChatOptions { Temperature = 0, MaxOutputTokens = 20 });

        var tokenizer = TokenizerFiles.Load(dir.Path);
        string prompt = ChatTemplate.Load(dir.Path).Render([new("user", "Tell me a story.")]);
        var model = Gpt2Checkpoint.Load(dir.Path, new ManagedBackend());
        model.UseInt8Weights();
        var stops = StopTokens.FromModelDirectory(dir.Path, tokenizer);
        var generator = new TextGenerator(model.AsLanguageModel(), SamplingOptions.Greedy, tokenizer.EndOfTextId) { StopTokens = stops };
        var ids = generator.Generate(tokenizer.Encode(prompt, allowSpecialTokens: true), 20).ToList();
        Assert.Equal(tokenizer.Decode(ids.Where(id => !stops.Contains(id) && id != tokenizer.EndOfTextId)), response.Text);
    }

    [Fact]
    public void Int8_and_bfloat16_weights_together_are_refused_naming_the_key()
    {
        using var dir = new TempDirectory();
        var options = new LlmForgeChatClientOptions { ModelDirectory = dir.Path, BFloat16Weights = true, Int8Weights = true };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(nameof(LlmForgeChatClientOptions.Int8Weights), error.ParamName);
    }
}
