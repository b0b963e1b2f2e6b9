package http

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"dundian.local/libs/httpx"
	"dundian.local/libs/tenancy"
	"dundian.local/services/reporting/internal/domain/story"
)

type storyList struct {
	Items []story.Story `json:"items"`
}

type publicStoryList struct {
	Items []story.Public `json:"items"`
}

type storyRequest struct {
	Title     string   `json:"title"`
	Text      string   `json:"text"`
	Community string   `json:"community"`
	Logs      []string `json:"logs"`
}

func (r storyRequest) content() story.Content {
	return story.Content{Title: r.Title, Text: r.Text, Community: tenancy.CommunityCode(r.Community), Logs: r.Logs}
}

func (h Handlers) ListStories(c *fiber.Ctx) error {
	items, err := h.app.Queries.Stories.List(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(storyList{Items: items})
}

func (h Handlers) PublicStories(c *fiber.Ctx) error {
	items, err := h.app.Queries.Stories.Public(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(publicStoryList{Items: items})
}

func (h Handlers) DraftStory(c *fiber.Ctx) error {
	var req storyRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	s, err := h.app.Commands.Stories.Draft(c.UserContext(), req.content())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(s)
}

func (h Handlers) EditStory(c *fiber.Ctx) error {
	var req storyRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	s, err := h.app.Commands.Stories.Edit(c.UserContext(), utils.CopyString(c.Params("story")), req.content())
	if err != nil {
		return err
	}
	return c.JSON(s)
}

func (h Handlers) ApproveStory(c *fiber.Ctx) error {
	s, err := h.app.Commands.Stories.Approve(c.UserContext(), utils.CopyString(c.Params("story")))
	if err != nil {
		return err
	}
	return c.JSON(s)
}

func (h Handlers) WithdrawStory(c *fiber.Ctx) error {
	s, err := h.app.Commands.Stories.Withdraw(c.UserContext(), utils.CopyString(c.Params("story")))
	if err != nil {
		return err
	}
	return c.JSON(s)
}
