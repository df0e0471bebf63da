package dev.todochatbot.chat.agent;

/**
 * Where an agent reports its answer while it is being made, for the streaming chat route: pieces of
 * the reply's text as they are produced (their concatenation is {@link Reply#text()}), and each tool
 * action once its result is back. Called on the Vert.x context that called {@link Agent#respond}.
 */
public interface Listener {

  Listener NONE = new Listener() {
    @Override
    public void text(String delta) {}

    @Override
    public void action(Action action) {}
  };

  void text(String delta);

  void action(Action action);
}
