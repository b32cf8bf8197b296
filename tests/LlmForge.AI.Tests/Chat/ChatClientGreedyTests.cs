using LlmForge.AI;
using LlmForge.AI.Chat;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Generation;
using LlmForge.Tokenization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using TempDirectory = LlmForge.Tests.Checkpoints.TempDirectory;

namespace LlmForge.Tests.Chat;

/// <summary>Temperature 0 is the library's greedy decoding of the rendered chat; the chat format comes from the directory or by name.</summary>
public class ChatClientGreedyTests
{
    private static IChatClient Client(string directory, string? template = null)
    {
        var services = new ServiceCollection();
        services.AddLlmForgeChatClient(o => { o.ModelDirectory = directory; o.ChatTemplate = template; });
        return services.BuildServiceProvider().GetRequiredService<IChatClient>();
    }

    [Fact]
    public async Task Temperature_zero_equals_TextGenerator_greedy_on_the_directorys_chat_template()
    {
        using var dir = new TempDirectory();
        TinyModels.WriteGpt(dir.Path);
        var response = await Client(dir.Path).GetResponseAsync([new(ChatRole.User, "Tell me a story.")], new ChatOptions { Temperature = 0, MaxOutputTokens = 25 });

        // The same thing by hand with the library: ChatML prompt, greedy TextGenerator, the directory's end tokens.
        var tokenizer = TokenizerFiles.Load(dir.Path);
        string prompt = ChatTemplate.Load(dir.Path).Render([new("user", "Tell me a story.")]);
        var model = Gpt2Checkpoint.Load(dir.Path, new ManagedBackend());
        var stops = StopTokens.FromModelDirectory(dir.Path, tokenizer);
        var generator = new TextGenerator(model.AsLanguageModel(), SamplingOptions.Greedy, tokenizer.EndOfTextId) { StopTokens = stops };
        var ids = generator.Generate(tokenizer.Encode(prompt, allowSpecialTokens: true), 25).ToList();
        string expected = tokenizer.Decode(ids.Where(id => !stops.Contains(id) && id != tokenizer.EndOfTextId));

        Assert.Equal(expected, response.Text);
        Assert.Equal(ids.Count, response.Usage!.OutputTokenCount);
        Assert.Equal(tokenizer.Encode(prompt, allowSpecialTokens: true).Count, response.Usage.InputTokenCount);
    }

    [Fact]
    public async Task A_directory_without_a_chat_template_chats_in_the_plain_format_and_a_named_template_overrides_the_directorys()
    {
        using var plainDir = new TempDirectory();
        using var chatMlDir = new TempDirectory();
        TinyModels.WriteGpt(plainDir.Path, chatTemplate: null);
        TinyModels.WriteGpt(chatMlDir.Path);
        ChatMessage[] chat = [new(ChatRole.User, "Hi")];
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 10 };

        var plain = await Client(plainDir.Path).GetResponseAsync(chat, options);
        var named = await Client(chatMlDir.Path, "plain").GetResponseAsync(chat, options);
        var chatMl = await Client(chatMlDir.Path).GetResponseAsync(chat, options);

        var tokenizer = TokenizerFiles.Load(plainDir.Path);
        Assert.Equal(tokenizer.Encode("User: Hi\nAssistant:").Count, plain.Usage!.InputTokenCount);
        Assert.Equal(plain.Text, named.Text); // same weights (seed 7), same prompt
        Assert.Equal(plain.Usage.InputTokenCount, named.Usage!.InputTokenCount);
        Assert.Equal(tokenizer.Encode("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", allowSpecialTokens: true).Count, chatMl.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task A_Llama_family_directory_chats_the_same_way()
    {
        using var dir = new TempDirectory();
        TinyModels.WriteLlama(dir.Path);
        var client = Client(dir.Path);
        ChatMessage[] chat = [new(ChatRole.User, "What is a llama?")];
        var options = new ChatOptions { Temperature = 0.8f, Seed = 3, MaxOutputTokens = 12 };
        var response = await client.GetResponseAsync(chat, options);
        var streamed = new List<string>();
        await foreach (var u in client.GetStreamingResponseAsync(chat, options)) streamed.Add(u.Text);
        Assert.NotEmpty(response.Text);
        Assert.Equal(response.Text, string.Concat(streamed));
        Assert.Equal("llama", Assert.IsType<LlmForgeChatClient>(client.GetService<LlmForgeChatClient>()).Model.Config.ModelType);
    }

    [Fact]
    public void Formats_by_name_and_from_the_directory()
    {
        ChatMessage[] chat = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Name a color."), new(ChatRole.Assistant, "Red."), new(ChatRole.User, "Another.")];
        Assert.Equal(
            "Be brief.\n\n### Instruction:\nName a color.\n\n### Response:\nRed.\n\n### Instruction:\nAnother.\n\n### Response:\n",
            ChatPromptFormats.Named("alpaca").Render(chat));
        Assert.Equal("Be brief.\n\nUser: Name a color.\nAssistant: Red.\nUser: Another.\nAssistant:", ChatPromptFormats.Named("plain").Render(chat));
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nName a color.<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\nRed.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nAnother.<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\n",
            ChatPromptFormats.Named("llama-3").Render(chat));
        Assert.Equal(["<|im_end|>"], ChatPromptFormats.Named("ChatML").StopSequences);

        using var dir = new TempDirectory();
        Assert.Equal("plain", ChatPromptFormats.FromDirectory(dir.Path).Name);
        File.WriteAllText(dir.File("tokenizer_config.json"),
            """{"chat_template": "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'user' %}### Instruction:\n{{ m['content'] }}\n\n### Response:\n{% endif %}{% endfor %}"}""");
        Assert.Equal("alpaca", ChatPromptFormats.FromDirectory(dir.Path).Name);
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"chat_template": "{% for m in messages %}[INST] {{ m['content'] }} [/INST]{% endfor %}"}""");
        var e = Assert.Throws<InvalidDataException>(() => ChatPromptFormats.FromDirectory(dir.Path));
        Assert.Contains("tokenizer_config.json", e.Message);
        Assert.Contains("chatml, llama-3, llama-3.1, alpaca, plain", e.Message);
        Assert.Throws<ArgumentException>(() => ChatPromptFormats.Named("vicuna"));
    }
}
