"""Executable specification of 运民发〔2023〕64号 and 65号 (Gherkin, ``# language: zh-CN``)."""
