"""Hugging Face Space entry point of s2fgan (placeholder; the app issue fills it)."""

import gradio as gr

with gr.Blocks(title="s2fgan") as demo:
    gr.Markdown("# s2fgan\nThe sketch-to-face app is on its way.")

if __name__ == "__main__":
    demo.launch()
