using System.Text.Json.Nodes;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization.HuggingFace;

/// <summary><see cref="ChatTemplate"/> renders the common chat templates as transformers' apply_chat_template does.</summary>
public class ChatTemplateTests
{
    // SmolLM2-Instruct's chat_template (a default system message when the chat has none).
    private const string SmolLm2 =
        "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}" +
        "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    // Qwen2.5-Instruct's, its tool branches cut (Jinja's own "\n" escapes, as the JSON file holds them).
    private const string Qwen25 =
        "{%- if messages[0]['role'] == 'system' %}\n    {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}\n{%- else %}\n" +
        "    {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}\n{%- endif %}\n" +
        "{%- for message in messages %}\n    {%- if (message.role == \"user\") or (message.role == \"system\" and not loop.first) or (message.role == \"assistant\") %}\n" +
        "        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}\n    {%- endif %}\n{%- endfor %}\n" +
        "{%- if add_generation_prompt %}\n    {{- '<|im_start|>assistant\\n' }}\n{%- endif %}\n";

    // A plain ChatML template without a default system message.
    private const string PlainChatMl =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    // Meta-Llama-3-8B-Instruct's.
    private const string Llama3 =
        "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}" +
        "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

    // Llama-3.2-Instruct's, the parts that write text without tools.
    private const string Llama32 =
        "{{- bos_token }}\n{%- if not date_string is defined %}\n    {%- if strftime_now is defined %}\n        {%- set date_string = strftime_now(\"%d %b %Y\") %}\n    {%- else %}\n        {%- set date_string = \"26 Jul 2024\" %}\n    {%- endif %}\n{%- endif %}\n" +
        "{%- if messages[0]['role'] == 'system' %}\n    {%- set system_message = messages[0]['content']|trim %}\n    {%- set messages = messages[1:] %}\n{%- else %}\n    {%- set system_message = \"\" %}\n{%- endif %}\n" +
        "{{- \"<|start_header_id|>system<|end_header_id|>\\n\\n\" }}\n{{- \"Cutting Knowledge Date: December 2023\\n\" }}\n{{- \"Today Date: \" + date_string + \"\\n\\n\" }}\n{{- system_message }}\n{{- \"<|eot_id|>\" }}\n" +
        "{%- for message in messages %}\n        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}\n{%- endfor %}\n" +
        "{%- if add_generation_prompt %}\n    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}\n{%- endif %}\n";

    private static readonly ChatMessage[] UserOnly = [new("user", "Hi there!")];
    private static readonly ChatMessage[] WithSystem = [new("system", "Be brief."), new("user", " Hi there! "), new("assistant", "Hello."), new("user", "Bye")];

    [Fact]
    public void SmolLm2_AddsItsDefaultSystemMessage_UnlessTheChatHasOne()
    {
        var t = ChatTemplate.Parse(SmolLm2);
        Assert.Equal(ChatTemplateKind.ChatMl, t.Kind);
        Assert.Equal("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n" +
            "<|im_start|>user\nHi there!<|im_end|>\n<|im_start|>assistant\n", t.Render(UserOnly));
        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n Hi there! <|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n" +
            "<|im_start|>user\nBye<|im_end|>\n", t.Render(WithSystem, addGenerationPrompt: false));
    }

    [Fact]
    public void Qwen25_UnescapesItsDefaultSystemMessage()
    {
        var t = ChatTemplate.Parse(Qwen25);
        Assert.Equal("You are Qwen, created by Alibaba Cloud. You are a helpful assistant.", t.DefaultSystemPrompt);
        Assert.Equal("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
            "<|im_start|>user\nHi there!<|im_end|>\n<|im_start|>assistant\n", t.Render(UserOnly));
        Assert.Equal("<|im_end|>", t.EndOfTurn);
    }

    [Fact]
    public void PlainChatMl_HasNoDefaultSystemMessage()
    {
        var t = ChatTemplate.Parse(PlainChatMl);
        Assert.Null(t.DefaultSystemPrompt);
        Assert.Equal("<|im_start|>user\nHi there!<|im_end|>\n<|im_start|>assistant\n", t.Render(UserOnly));
    }

    [Fact]
    public void Llama3_OpensWithBosAndTrimsContent()
    {
        var t = ChatTemplate.Parse(Llama3, "<|begin_of_text|>");
        Assert.Equal(ChatTemplateKind.Llama3, t.Kind);
        Assert.Equal("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nHi there!<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", t.Render(WithSystem));
        Assert.Equal("<|eot_id|>", t.EndOfTurn);
    }

    [Fact]
    public void Llama32_WritesTheDatedSystemMessage()
    {
        var t = ChatTemplate.Parse(Llama32, "<|begin_of_text|>");
        Assert.Equal(ChatTemplateKind.Llama31, t.Kind);
        Assert.Equal("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nHi there!<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", t.Render(UserOnly));
        Assert.Contains("Today Date: 07 Dec 2026\n\nBe brief.<|eot_id|><|start_header_id|>user",
            ChatTemplate.Parse(Llama32).WithTodayDate("07 Dec 2026").Render(WithSystem));
    }

    [Fact]
    public void Load_ReadsTokenizerConfig_WithItsBosToken()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer_config.json"), new JsonObject
        {
            ["bos_token"] = new JsonObject { ["content"] = "<BOS>" },
            ["chat_template"] = Llama3,
        }.ToJsonString());
        Assert.StartsWith("<BOS><|start_header_id|>user", ChatTemplate.Load(dir.Path).Render(UserOnly));
    }

    [Fact]
    public void Load_OtherTemplate_IsOneLineNamingTheFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer_config.json"), new JsonObject { ["chat_template"] = "{% for m in messages %}[INST] {{ m['content'] }} [/INST]{% endfor %}" }.ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => ChatTemplate.Load(dir.Path));
        Assert.Contains(dir.File("tokenizer_config.json"), e.Message);
        Assert.Contains("not one LlmForge recognizes", e.Message);

        using var empty = new TempDirectory();
        Assert.Contains("chat_template", Assert.Throws<FileNotFoundException>(() => ChatTemplate.Load(empty.Path)).Message);
    }

    [Fact]
    public void RenderedChatMl_EncodesEachMarkerAsOneId()
    {
        var tokenizer = TokenizerJson.Load(LearnedFixture.Path);
        var ids = tokenizer.Encode(ChatTemplate.Parse(SmolLm2).Render(UserOnly));
        Assert.Equal(3, ids.Count(id => id == tokenizer.SpecialTokens["<|im_start|>"]));
        Assert.Equal(2, ids.Count(id => id == tokenizer.SpecialTokens["<|im_end|>"]));
    }
}
